;; SPDX-License-Identifier: Apache-2.0
(module
  (func (export "bits") (param f32 f64) (result i32 i64 f32 f64)
    (i32.reinterpret_f32 (local.get 0)) (i64.reinterpret_f64 (local.get 1))
    (f32.reinterpret_i32 (i32.const 0x7fa00000)) (f64.convert_i64_u (i64.const -1))))
