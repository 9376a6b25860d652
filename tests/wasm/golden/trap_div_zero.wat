;; SPDX-License-Identifier: Apache-2.0
;; golden: invoke run
(module
  (func $divide (export "run") (result i32)
    i32.const 10
    i32.const 0
    i32.div_u))
