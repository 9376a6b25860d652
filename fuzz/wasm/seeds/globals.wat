;; SPDX-License-Identifier: Apache-2.0
(module
  (import "env" "g" (global $imp i32))
  (import "env" "gm" (global $impm (mut i64)))
  (global $x (mut f32) (f32.const 2.5))
  (global $y i32 (global.get $imp))
  (global (export "r") funcref (ref.null func))
  (func (export "run") (result i32)
    (global.set $x (f32.mul (global.get $x) (f32.const 2)))
    (global.set $impm (i64.add (global.get $impm) (i64.const 1)))
    (i32.add (global.get $y) (i32.trunc_f32_s (global.get $x)))))
