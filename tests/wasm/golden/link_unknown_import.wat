;; SPDX-License-Identifier: Apache-2.0
;; golden: instantiate
(module
  (import "env" "missing" (func (param i32))))
