;; SPDX-License-Identifier: Apache-2.0
;; Dense n x n f64 matrix multiply C = A * B in linear memory (A at 0, B at
;; 8n^2, C at 16n^2): nested loops, address arithmetic, f64 loads/stores/fma.
;; `init` fills A and B deterministically; `matmul` returns the trace of C.
(module
  (memory (export "memory") 32)
  (func (export "init") (param $n i32)
    (local $i i32) (local $nn i32)
    (local.set $nn (i32.mul (local.get $n) (local.get $n)))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $nn)))
        (f64.store (i32.shl (local.get $i) (i32.const 3))
          (f64.convert_i32_u (i32.rem_u (local.get $i) (i32.const 7))))
        (f64.store (i32.shl (i32.add (local.get $i) (local.get $nn)) (i32.const 3))
          (f64.convert_i32_u (i32.rem_u (local.get $i) (i32.const 5))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l))))
  (func (export "matmul") (param $n i32) (result f64)
    (local $i i32) (local $j i32) (local $k i32) (local $nn i32)
    (local $sum f64) (local $trace f64)
    (local.set $nn (i32.mul (local.get $n) (local.get $n)))
    (block $i_done
      (loop $i_loop
        (br_if $i_done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $j (i32.const 0))
        (block $j_done
          (loop $j_loop
            (br_if $j_done (i32.ge_u (local.get $j) (local.get $n)))
            (local.set $sum (f64.const 0))
            (local.set $k (i32.const 0))
            (block $k_done
              (loop $k_loop
                (br_if $k_done (i32.ge_u (local.get $k) (local.get $n)))
                (local.set $sum
                  (f64.add (local.get $sum)
                    (f64.mul
                      ;; A[i][k]
                      (f64.load (i32.shl
                        (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $k))
                        (i32.const 3)))
                      ;; B[k][j]
                      (f64.load (i32.shl
                        (i32.add (local.get $nn)
                          (i32.add (i32.mul (local.get $k) (local.get $n)) (local.get $j)))
                        (i32.const 3))))))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (br $k_loop)))
            ;; C[i][j]
            (f64.store
              (i32.shl
                (i32.add (i32.shl (local.get $nn) (i32.const 1))
                  (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)))
                (i32.const 3))
              (local.get $sum))
            (if (i32.eq (local.get $i) (local.get $j))
              (then (local.set $trace (f64.add (local.get $trace) (local.get $sum)))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $j_loop)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $i_loop)))
    (local.get $trace)))
