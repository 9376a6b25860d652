;; SPDX-License-Identifier: Apache-2.0
(module
  (func (export "many") (param i32) (result i32)
    (local i64 f32 f64 externref funcref i32 i32)
    (local.set 7 (local.tee 6 (local.get 0)))
    (i32.add (local.get 6) (local.get 7))))
