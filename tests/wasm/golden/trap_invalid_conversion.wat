;; SPDX-License-Identifier: Apache-2.0
;; golden: invoke run
(module
  (func $convert (export "run") (result i32)
    f32.const nan
    i32.trunc_f32_s))
