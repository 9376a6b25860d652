;; SPDX-License-Identifier: Apache-2.0
;; golden: instantiate
;; env.fail exists but is () -> (), not (i32) -> ().
(module
  (import "env" "fail" (func (param i32))))
