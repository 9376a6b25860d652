;; SPDX-License-Identifier: Apache-2.0
;; golden: invoke run fuel=10000
;; An endless loop is stopped by the instruction budget.
(module
  (func $spin (export "run")
    (loop $forever
      (br $forever))))
