;; SPDX-License-Identifier: Apache-2.0
(module
  (memory (export "mem") 1 2)
  (data (i32.const 16) "hello\00world")
  (func (export "load") (param i32) (result i32 i64)
    (i32.load8_s offset=16 (local.get 0)) (i64.load32_u align=2 (local.get 0)))
  (func (export "store") (param i32)
    (i64.store16 (local.get 0) (i64.const -1)) (f64.store offset=8 (local.get 0) (f64.const 1.5)))
  (func (export "grow") (result i32 i32) (memory.grow (i32.const 1)) (memory.size)))
