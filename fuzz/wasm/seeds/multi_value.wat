;; SPDX-License-Identifier: Apache-2.0
(module
  (func $swap (param i32 i32) (result i32 i32) (local.get 1) (local.get 0))
  (func (export "run") (result i32 i32 i64)
    (call $swap (i32.const 1) (i32.const 2))
    (block (param i32 i32) (result i32 i32 i64)
      (i64.const 3))))
