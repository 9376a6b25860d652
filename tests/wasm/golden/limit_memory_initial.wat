;; SPDX-License-Identifier: Apache-2.0
;; golden: instantiate max_memory_pages=4
;; A memory whose minimum exceeds the embedder's page limit is refused.
(module
  (memory 5))
