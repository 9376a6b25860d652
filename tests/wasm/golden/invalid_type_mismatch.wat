;; SPDX-License-Identifier: Apache-2.0
;; golden: load
;; Valid text, invalid module: function 2 adds an i64 to an i32. Produced with
;; wat2wasm --no-check. The error must name the function index and the offset.
(module
  (func (result i32) i32.const 0)
  (func (result i32) i32.const 1)
  (func (result i32)
    i32.const 1
    i64.const 2
    i32.add))
