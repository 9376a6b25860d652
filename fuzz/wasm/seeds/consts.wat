;; SPDX-License-Identifier: Apache-2.0
(module
  (func (export "i32") (result i32) i32.const -7)
  (func (export "i64") (result i64) i64.const 0x123456789abcdef0)
  (func (export "f32") (result f32) f32.const -0x1.8p3)
  (func (export "f64") (result f64) f64.const nan:0x4))
