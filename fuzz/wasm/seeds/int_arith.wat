;; SPDX-License-Identifier: Apache-2.0
(module
  (func (export "ops") (param i32 i32) (result i32)
    (i32.add (i32.mul (local.get 0) (local.get 1))
      (i32.xor (i32.rotl (local.get 0) (i32.const 3)) (i32.popcnt (local.get 1)))))
  (func (export "div") (param i64 i64) (result i64)
    (i64.rem_s (i64.div_u (local.get 0) (i64.const 3)) (local.get 1)))
  (func (export "cmp") (param i32) (result i32)
    (i32.and (i32.eqz (local.get 0)) (i32.ge_s (local.get 0) (i32.const -1)))))
