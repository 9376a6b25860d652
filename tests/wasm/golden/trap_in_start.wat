;; SPDX-License-Identifier: Apache-2.0
;; golden: instantiate
;; Instantiation fails because the start function traps.
(module
  (func $init unreachable)
  (start $init))
