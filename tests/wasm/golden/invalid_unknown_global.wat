;; SPDX-License-Identifier: Apache-2.0
;; golden: load
;; Produced with wat2wasm --no-check: global.get of a global that does not exist.
(module
  (global $g i32 (i32.const 1))
  (func (result i32) global.get 5))
