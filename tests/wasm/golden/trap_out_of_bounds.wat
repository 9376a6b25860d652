;; SPDX-License-Identifier: Apache-2.0
;; golden: invoke run
;; The access starts inside memory but its last byte is past the end.
(module
  (memory 1)
  (func $load (export "run") (result i32)
    i32.const 65534
    i32.load))
