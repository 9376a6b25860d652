;; SPDX-License-Identifier: Apache-2.0
;; golden: invoke run max_value_stack_slots=10000
;; Frames with many locals exhaust the value stack long before the call depth
;; limit (10000): the same clean exhaustion as a deep call stack.
(module
  (func $recurse (export "run") (param i32) (result i32)
    (local i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64
           i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64
           i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64
           i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64)
    (call $recurse (i32.add (local.get 0) (i32.const 1)))))
