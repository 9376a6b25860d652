;; SPDX-License-Identifier: Apache-2.0
;; golden: invoke run
;; Compiled without a name section: the message falls back to the function index.
(module
  (func (param i32) (result i32)
    local.get 0
    unreachable)
  (func (export "run") (result i32)
    i32.const 7
    call 0))
