;; SPDX-License-Identifier: Apache-2.0
;; golden: invoke run
(module
  (table 2 externref)
  (func $get (export "run") (result externref)
    i32.const 5
    table.get 0))
