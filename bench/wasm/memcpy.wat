;; SPDX-License-Identifier: Apache-2.0
;; Memory-heavy loops: a hand-written word-by-word copy (i64 load/store per
;; 8 bytes) and a byte-checksum pass, repeated $rounds times over $len bytes.
;; Returns the checksum so the work cannot be skipped.
(module
  (memory (export "memory") 4)
  (func (export "copy") (param $len i32) (param $rounds i32) (result i32)
    (local $i i32) (local $r i32) (local $sum i32)
    ;; source [0, len) gets a pattern; destination is [len, 2 len)
    (block $filled
      (loop $fill
        (br_if $filled (i32.ge_u (local.get $i) (local.get $len)))
        (i32.store8 (local.get $i) (i32.mul (local.get $i) (i32.const 31)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $fill)))
    (block $rounds_done
      (loop $round
        (br_if $rounds_done (i32.ge_u (local.get $r) (local.get $rounds)))
        (local.set $i (i32.const 0))
        (block $copied
          (loop $copy
            (br_if $copied (i32.ge_u (local.get $i) (local.get $len)))
            (i64.store (i32.add (local.get $len) (local.get $i)) (i64.load (local.get $i)))
            (local.set $i (i32.add (local.get $i) (i32.const 8)))
            (br $copy)))
        (local.set $i (i32.const 0))
        (block $summed
          (loop $sum_loop
            (br_if $summed (i32.ge_u (local.get $i) (local.get $len)))
            (local.set $sum (i32.add (local.get $sum)
              (i32.load8_u (i32.add (local.get $len) (local.get $i)))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $sum_loop)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $round)))
    (local.get $sum)))
