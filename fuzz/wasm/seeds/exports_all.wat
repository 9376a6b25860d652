;; SPDX-License-Identifier: Apache-2.0
(module
  (func $f (export "f") (export "g") (result i32) (i32.const 3))
  (table (export "t") 1 funcref)
  (memory (export "m") 0)
  (global (export "c") i64 (i64.const 9)))
