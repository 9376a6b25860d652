;; SPDX-License-Identifier: Apache-2.0
;; golden: load
;; Produced with wat2wasm --no-check: `br 3` inside one block.
(module
  (func $f
    (block
      br 3)))
