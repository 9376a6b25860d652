;; SPDX-License-Identifier: Apache-2.0
;; Sieve of Eratosthenes over one byte per number: tight loops, branches,
;; byte loads and stores. Returns the number of primes below $n (n <= 65536*16).
;; Multiples are only crossed out from i*i when that product fits in 32 bits
;; (i <= 46340); larger primes have no multiples below n left to cross out.
(module
  (memory (export "memory") 16)
  (func (export "sieve") (param $n i32) (result i32)
    (local $i i32) (local $j i32) (local $count i32)
    ;; clear flags [0, n)
    (memory.fill (i32.const 0) (i32.const 0) (local.get $n))
    (local.set $i (i32.const 2))
    (block $done
      (loop $outer
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (if (i32.eqz (i32.load8_u (local.get $i)))
          (then
            (local.set $count (i32.add (local.get $count) (i32.const 1)))
            (local.set $j (select (i32.mul (local.get $i) (local.get $i)) (local.get $n)
              (i32.le_u (local.get $i) (i32.const 46340))))
            (block $inner_done
              (loop $inner
                (br_if $inner_done (i32.ge_u (local.get $j) (local.get $n)))
                (i32.store8 (local.get $j) (i32.const 1))
                (local.set $j (i32.add (local.get $j) (local.get $i)))
                (br $inner)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $outer)))
    (local.get $count)))
