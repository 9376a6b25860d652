;; SPDX-License-Identifier: Apache-2.0
;; golden: load
;; Produced with wat2wasm --no-check.
(module
  (func $a)
  (export "f" (func $a))
  (export "f" (func $a)))
