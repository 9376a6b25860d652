// SPDX-License-Identifier: Apache-2.0
//
// The keep program's half of the address space. The page tables are the
// only record of what is mapped (no VMA list to keep in sync): anonymous
// private memory is all the shim offers, and every page is backed by a frame
// as soon as it is mapped (no demand paging; only the stack grows on a fault,
// stack_growth.h). Whole, aligned 2 MiB pieces of large mappings are 2 MiB
// pages (page_tables.h); operations on part of one split it first.
#pragma once

#include <cstdint>

#include "shim/layout.h"
#include "shim/paging.h"

namespace cloister::shim {

inline constexpr uint64_t kTableSpan = uint64_t{2} << 20;  // what one page table covers

// Visits [va, va+len) one page table at a time: `fn(va_of_first, pte, count)`
// gets the entries of up to 512 consecutive pages, so a large range costs one
// table walk per 2 MiB instead of one per page. A range with no table (and
// `create` false) is skipped; returns false if a table could not be made.
template <typename Fn>
bool for_each_table(uint64_t va, uint64_t len, bool create, Fn fn) {
  const uint64_t end = va + len;
  for (uint64_t p = va; p < end;) {
    const uint64_t table_end = (p & ~(kTableSpan - 1)) + kTableSpan;
    const uint64_t stop = end < table_end ? end : table_end;
    uint64_t* pte = user_pte(p, create);
    if (pte == nullptr && create) return false;
    if (pte != nullptr && !fn(p, pte, (stop - p) / kPageSize)) return true;
    p = stop;
  }
  return true;
}

// Leaf flags for Linux PROT_* bits (PROT_NONE gives a non-present page that
// keeps its frame). The caller has refused PROT_WRITE|PROT_EXEC.
uint64_t pte_flags_for_prot(uint64_t prot);

// Whether [va, va+len) lies in the user range (page aligned, non-empty).
bool user_range_valid(uint64_t va, uint64_t len);

// Returns true if nothing is mapped in [va, va+len); otherwise false and the
// lowest mapped page in *out_conflict (if not null).
bool range_free(uint64_t va, uint64_t len, uint64_t* out_conflict = nullptr);
bool range_fully_mapped(uint64_t va, uint64_t len);

// Maps fresh zeroed pages over the free range [va, va+len). All or nothing:
// on running out of memory nothing stays mapped and it returns false.
bool map_zeroed(uint64_t va, uint64_t len, uint64_t flags);

// Unmaps whatever is mapped in [va, va+len) and frees the frames.
void unmap_range(uint64_t va, uint64_t len);

// Changes the permissions of the mapped pages in [va, va+len).
void protect_range(uint64_t va, uint64_t len, uint64_t flags);

// Moves the mapped pages [from, from+len) to the free range at `to` (their
// frames, not their bytes). Returns false, having moved nothing, if page
// tables for `to` could not be made.
bool move_range(uint64_t from, uint64_t to, uint64_t len);

// Zeroes the contents of the mapped pages in [va, va+len).
void zero_range(uint64_t va, uint64_t len);

// Allocating addresses for mmap without MAP_FIXED: top down from `top`, never
// below `floor`.
void mmap_area_init(uint64_t floor, uint64_t top);
// A free page-aligned range of `len` bytes, or 0.
uint64_t find_free_range(uint64_t len);

}  // namespace cloister::shim
