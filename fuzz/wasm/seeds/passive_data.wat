;; SPDX-License-Identifier: Apache-2.0
(module
  (memory 1)
  (data "\01\02\03\04")
  (data $p "\ff\ee")
  (func (export "init") (memory.init $p (i32.const 0) (i32.const 0) (i32.const 2))))
