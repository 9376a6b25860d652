;; SPDX-License-Identifier: Apache-2.0
;; golden: invoke run
;; A trap raised by a host function called from Wasm.
(module
  (import "env" "fail" (func $fail))
  (func $caller (export "run")
    call $fail))
