;; SPDX-License-Identifier: Apache-2.0
(module
  (func (export "br_table") (param i32) (result i32)
    (block $c (block $b (block $a
      (br_table $a $b $c (local.get 0)))
      (return (i32.const 10)))
      (return (i32.const 20)))
    (i32.const 30))
  (func (export "if") (param i32) (result i32)
    (if (result i32) (local.get 0) (then (i32.const 1)) (else (i32.const 2))))
  (func (export "loop") (result i32) (local i32)
    (loop $l (local.set 0 (i32.add (local.get 0) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get 0) (i32.const 50))))
    (local.get 0))
  (func (export "select") (param i32) (result i64)
    (select (result i64) (i64.const 1) (i64.const 2) (local.get 0))))
