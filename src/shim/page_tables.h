// SPDX-License-Identifier: Apache-2.0
//
// Walking and growing 4-level page tables in guest memory (through phys()).
// No privileged instruction here, so the host-side tests run it over a buffer
// standing in for guest RAM (tests/shim/fake_guest.cc).
#pragma once

#include <cstdint>

namespace cloister::shim {

// The PML4 the walks below use (the shim's own, once paging.cc built it).
void set_page_table_root(uint64_t pml4_gpa);
uint64_t page_table_root();

// The next-level table under `entry`, made with `flags` if absent and
// `create` (null if absent, or if no page was left).
uint64_t* next_table(uint64_t* entry, uint64_t flags, bool create);

// The leaf slot for `va`, making intermediate tables with `table_flags`.
uint64_t* leaf_entry(uint64_t va, uint64_t table_flags, bool create);

inline unsigned table_index(uint64_t va, int level) {  // level 3 = PML4 .. 0 = PT
  return static_cast<unsigned>((va >> (12 + 9 * level)) & 511);
}

}  // namespace cloister::shim
