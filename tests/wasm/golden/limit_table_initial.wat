;; SPDX-License-Identifier: Apache-2.0
;; golden: instantiate max_table_elements=1000
(module
  (table 1001 funcref))
