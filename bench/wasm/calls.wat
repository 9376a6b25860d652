;; SPDX-License-Identifier: Apache-2.0
;; Call-heavy code: a loop making direct calls, indirect calls through a table
;; (with signature checks) and multi-value returns. Returns an accumulator.
(module
  (type $binop (func (param i32 i32) (result i32)))
  (table 4 funcref)
  (elem (i32.const 0) $add $sub $xor $mix)
  (func $add (type $binop) (i32.add (local.get 0) (local.get 1)))
  (func $sub (type $binop) (i32.sub (local.get 0) (local.get 1)))
  (func $xor (type $binop) (i32.xor (local.get 0) (local.get 1)))
  (func $mix (type $binop) (i32.add (i32.rotl (local.get 0) (i32.const 5)) (local.get 1)))
  (func $pair (param i32) (result i32 i32)
    (local.get 0) (i32.add (local.get 0) (i32.const 1)))
  (func $leaf (param i32) (result i32) (i32.add (local.get 0) (i32.const 3)))
  (func (export "calls") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $acc (call $leaf (local.get $acc)))
        (local.set $acc
          (call_indirect (type $binop)
            (local.get $acc) (local.get $i) (i32.and (local.get $i) (i32.const 3))))
        (call $pair (local.get $acc))
        (local.set $acc (i32.xor))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (local.get $acc)))
