;; SPDX-License-Identifier: Apache-2.0
;; golden: invoke run
;; A trap in a named function that is not the exported one: the message must
;; name the function where the trap happened and the offset of the instruction.
(module
  (func $helper (param i32) (result i32)
    local.get 0
    i32.const 1
    i32.add
    unreachable)
  (func $run (export "run") (result i32)
    i32.const 41
    call $helper))
