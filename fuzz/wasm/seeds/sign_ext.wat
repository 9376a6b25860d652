;; SPDX-License-Identifier: Apache-2.0
(module
  (func (export "ext") (param i32 i64) (result i32 i64)
    (i32.add (i32.extend8_s (local.get 0)) (i32.extend16_s (local.get 0)))
    (i64.add (i64.extend32_s (local.get 1)) (i64.extend8_s (local.get 1)))))
