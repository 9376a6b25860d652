;; SPDX-License-Identifier: Apache-2.0
;; golden: invoke run fuel=100000
;; A bounded loop (1000 iterations) finishes within its budget.
(module
  (func $count (export "run") (result i32)
    (local $i i32)
    (loop $again
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $again (i32.lt_u (local.get $i) (i32.const 1000))))
    (local.get $i)))
