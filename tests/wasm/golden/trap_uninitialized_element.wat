;; SPDX-License-Identifier: Apache-2.0
;; golden: invoke run
(module
  (type $nullary (func (result i32)))
  (table 2 funcref)
  (func $dispatch (export "run") (result i32)
    i32.const 1
    call_indirect (type $nullary)))
