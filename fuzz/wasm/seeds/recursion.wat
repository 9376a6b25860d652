;; SPDX-License-Identifier: Apache-2.0
(module
  (func $fac (export "fac") (param i64) (result i64)
    (if (result i64) (i64.eqz (local.get 0)) (then (i64.const 1))
      (else (i64.mul (local.get 0) (call $fac (i64.sub (local.get 0) (i64.const 1)))))))
  (func $deep (export "deep") (param i32) (result i32) (call $deep (local.get 0))))
