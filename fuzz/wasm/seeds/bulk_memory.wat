;; SPDX-License-Identifier: Apache-2.0
(module
  (memory 1)
  (data $d "abcdefgh")
  (func (export "init") (memory.init $d (i32.const 100) (i32.const 2) (i32.const 4)) (data.drop $d))
  (func (export "copy") (memory.copy (i32.const 200) (i32.const 100) (i32.const 8)))
  (func (export "fill") (param i32) (memory.fill (local.get 0) (i32.const 0xaa) (i32.const 64))))
