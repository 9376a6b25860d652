;; SPDX-License-Identifier: Apache-2.0
;; golden: invoke run max_call_depth=100
;; Unbounded recursion ends with a clean "call stack exhausted" trap.
(module
  (func $recurse (export "run") (param i32) (result i32)
    local.get 0
    i32.const 1
    i32.add
    call $recurse))
