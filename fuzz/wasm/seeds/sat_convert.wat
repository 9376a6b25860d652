;; SPDX-License-Identifier: Apache-2.0
(module
  (func (export "sat") (param f32 f64) (result i32 i64 i32 i64)
    (i32.trunc_sat_f32_s (local.get 0)) (i64.trunc_sat_f64_u (local.get 1))
    (i32.trunc_sat_f64_u (local.get 1)) (i64.trunc_sat_f32_s (local.get 0))))
