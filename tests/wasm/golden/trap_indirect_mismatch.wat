;; SPDX-License-Identifier: Apache-2.0
;; golden: invoke run
(module
  (type $unary (func (param i32) (result i32)))
  (table 2 funcref)
  (elem (i32.const 0) $nullary)
  (func $nullary (result i32) i32.const 1)
  (func $dispatch (export "run") (result i32)
    i32.const 5
    i32.const 0
    call_indirect (type $unary)))
