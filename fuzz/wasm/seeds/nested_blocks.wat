;; SPDX-License-Identifier: Apache-2.0
(module
  (func (export "nest") (param i32) (result i32)
    (block (result i32) (block (result i32) (block (result i32) (loop (result i32)
      (block (result i32) (drop (br_if 4 (i32.const 5) (local.get 0))) (i32.const 6))))))))
