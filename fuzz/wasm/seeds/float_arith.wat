;; SPDX-License-Identifier: Apache-2.0
(module
  (func (export "f32") (param f32 f32) (result f32)
    (f32.copysign (f32.sqrt (f32.add (local.get 0) (local.get 1)))
      (f32.nearest (f32.div (local.get 0) (local.get 1)))))
  (func (export "f64") (param f64) (result f64)
    (f64.max (f64.floor (local.get 0)) (f64.min (f64.ceil (local.get 0)) (f64.const inf))))
  (func (export "cvt") (param f64) (result i32)
    (i32.trunc_f64_s (f64.promote_f32 (f32.demote_f64 (local.get 0))))))
