;; SPDX-License-Identifier: Apache-2.0
;; golden: invoke run max_memory_pages=4
;; memory.grow past the embedder's page limit fails with -1 (not a trap); the
;; memory keeps its size. Returns (grow result beyond limit, grow result
;; within the limit, final size).
(module
  (memory 1)
  (func $grow (export "run") (result i32 i32 i32)
    (memory.grow (i32.const 4))
    (memory.grow (i32.const 3))
    (memory.size)))
