;; SPDX-License-Identifier: Apache-2.0
(module
  (func $f)
  (elem declare func $f)
  (func (export "is_null") (param externref) (result i32) (ref.is_null (local.get 0)))
  (func (export "func") (result funcref) (ref.func $f))
  (func (export "null") (result externref) (ref.null extern)))
