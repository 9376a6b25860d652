;; SPDX-License-Identifier: Apache-2.0
(module
  (import "env" "f" (func $f (param i32 f64) (result i64)))
  (import "env" "mem" (memory 1))
  (import "env" "tab" (table 2 funcref))
  (func (export "run") (result i64)
    (drop (i32.load (i32.const 0)))
    (call $f (i32.const 1) (f64.const 2))))
