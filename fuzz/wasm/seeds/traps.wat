;; SPDX-License-Identifier: Apache-2.0
(module
  (memory 1)
  (table 1 funcref)
  (func (export "unreachable") unreachable)
  (func (export "oob") (result i32) (i32.load (i32.const 70000)))
  (func (export "div") (result i32) (i32.div_s (i32.const 1) (i32.const 0)))
  (func (export "null") (call_indirect (i32.const 0)))
  (func (export "spin") (loop $l (br $l))))
