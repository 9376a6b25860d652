;; SPDX-License-Identifier: Apache-2.0
;; golden: load max_locals_per_function=10
;; Eleven declared locals against a limit of ten.
(module
  (func (local i32 i32 i32 i32 i32 i64 i64 i64 f32 f64 i32)))
