;; SPDX-License-Identifier: Apache-2.0
;; golden: invoke run max_table_elements=100
;; table.grow past the embedder's limit returns -1 and leaves the table as it
;; was; growing within the limit works. Returns (beyond, within, final size).
(module
  (table 10 funcref)
  (func $grow (export "run") (result i32 i32 i32)
    (table.grow 0 (ref.null func) (i32.const 91))
    (table.grow 0 (ref.null func) (i32.const 90))
    (table.size 0)))
