;; SPDX-License-Identifier: Apache-2.0
;; golden: invoke run
;; A bulk operation whose range ends past memory traps before writing anything.
(module
  (memory 1)
  (func $fill (export "run")
    i32.const 65000
    i32.const 0xab
    i32.const 1000
    memory.fill))
