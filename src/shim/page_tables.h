// SPDX-License-Identifier: Apache-2.0
//
// Walking and growing 4-level page tables in guest memory (through phys()).
// No privileged instruction here, so the host-side tests run it over a buffer
// standing in for guest RAM (tests/shim/fake_guest.cc).
//
// User memory is mapped with 4 KiB pages, or with 2 MiB pages (a page
// directory entry with kPteHuge) for whole, aligned 2 MiB pieces of large
// anonymous mappings: one entry instead of 512 to write, walk and clear.
#pragma once

#include <cstdint>

namespace cloister::shim {

inline constexpr uint64_t kHugePageSize = uint64_t{2} << 20;

// The PML4 the walks below use (the shim's own, once paging.cc built it).
void set_page_table_root(uint64_t pml4_gpa);
uint64_t page_table_root();

// The next-level table under `entry`, made with `flags` if absent and
// `create` (null if absent, or if no page was left).
uint64_t* next_table(uint64_t* entry, uint64_t flags, bool create);

// The leaf slot for `va`, making intermediate tables with `table_flags`.
uint64_t* leaf_entry(uint64_t va, uint64_t table_flags, bool create);

// The page-directory entry (one per 2 MiB) for user address `va`: a link to
// the page table covering it, a 2 MiB page, or 0.
uint64_t* user_pde(uint64_t va, bool create);

// As user_pde(va, false), and where it returns null, *out_next is the end of
// the region that has no table at all (the next 1 GiB or 512 GiB boundary),
// so a walk over a large empty range skips it in a few steps.
uint64_t* user_pde_or_gap(uint64_t va, uint64_t* out_next);

// Whether a page-directory entry is a 2 MiB page (present or PROT_NONE)
// rather than a link to a page table.
bool pde_is_huge(uint64_t pde);

// Replaces the 2 MiB page in *pde by a page table of 512 entries with the
// same frames and permissions. False if no page was left for the table.
bool split_huge(uint64_t* pde);

// How user address `va` is mapped, without changing any table: the leaf
// entry (a 4 KiB page's, or a 2 MiB page's) in *out_entry and the guest
// physical address of the byte at `va` in *out_gpa. False if unmapped.
bool user_lookup(uint64_t va, uint64_t* out_entry, uint64_t* out_gpa);

inline unsigned table_index(uint64_t va, int level) {  // level 3 = PML4 .. 0 = PT
  return static_cast<unsigned>((va >> (12 + 9 * level)) & 511);
}

}  // namespace cloister::shim
