;; SPDX-License-Identifier: Apache-2.0
;; golden: instantiate fuel=5000
;; The budget also bounds the start function: instantiation fails cleanly.
(module
  (func $init (loop $l (br $l)))
  (start $init))
