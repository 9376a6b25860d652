// SPDX-License-Identifier: Apache-2.0
#include "shim/page_tables.h"

#include "shim/layout.h"
#include "shim/page_alloc.h"
#include "shim/paging.h"

namespace cloister::shim {
namespace {

constinit uint64_t root_gpa = 0;

constexpr uint64_t kUserTableLink = kPtePresent | kPteWrite | kPteUser;

inline uint64_t* table(uint64_t gpa) {
  return reinterpret_cast<uint64_t*>(phys(gpa));
}

}  // namespace

void set_page_table_root(uint64_t pml4_gpa) {
  root_gpa = pml4_gpa;
}

uint64_t page_table_root() {
  return root_gpa;
}

uint64_t* next_table(uint64_t* entry, uint64_t flags, bool create) {
  if ((*entry & kPtePresent) == 0) {
    if (!create) return nullptr;
    const uint64_t gpa = page_alloc();
    if (gpa == 0) return nullptr;
    *entry = gpa | flags;
  }
  return table(*entry & kPteFrame);
}

uint64_t* leaf_entry(uint64_t va, uint64_t table_flags, bool create) {
  uint64_t* t = table(root_gpa);
  for (int level = 3; level > 0; --level) {
    t = next_table(&t[table_index(va, level)], table_flags, create);
    if (t == nullptr) return nullptr;
  }
  return &t[table_index(va, 0)];
}

uint64_t* user_pde(uint64_t va, bool create) {
  if (va >= kUserTop) return nullptr;
  uint64_t* t = table(root_gpa);
  for (int level = 3; level > 1; --level) {
    t = next_table(&t[table_index(va, level)], kUserTableLink, create);
    if (t == nullptr) return nullptr;
  }
  return &t[table_index(va, 1)];
}

uint64_t* user_pde_or_gap(uint64_t va, uint64_t* out_next) {
  *out_next = va;
  if (va >= kUserTop) return nullptr;
  uint64_t* t = table(root_gpa);
  for (int level = 3; level > 1; --level) {
    t = next_table(&t[table_index(va, level)], kUserTableLink, false);
    if (t == nullptr) {
      const uint64_t span = uint64_t{1} << (12 + 9 * level);  // what that entry covers
      *out_next = (va & ~(span - 1)) + span;
      return nullptr;
    }
  }
  return &t[table_index(va, 1)];
}

bool pde_is_huge(uint64_t pde) {
  return (pde & kPteHuge) != 0 && pte_mapped(pde);
}

bool split_huge(uint64_t* pde) {
  const uint64_t table_gpa = page_alloc();
  if (table_gpa == 0) return false;
  const uint64_t frame = *pde & kPteFrame;
  // Bit 7 of a 4 KiB entry is PAT, not the size: drop it.
  const uint64_t flags = *pde & ~kPteFrame & ~kPteHuge;
  uint64_t* pte = table(table_gpa);
  for (uint64_t i = 0; i < kHugePageSize / kPageSize; ++i) pte[i] = (frame + i * kPageSize) | flags;
  *pde = table_gpa | kUserTableLink;  // the same translations: no flush needed
  return true;
}

bool user_lookup(uint64_t va, uint64_t* out_entry, uint64_t* out_gpa) {
  const uint64_t* pde = user_pde(va, false);
  if (pde == nullptr) return false;
  if (pde_is_huge(*pde)) {
    *out_entry = *pde;
    *out_gpa = (*pde & kPteFrame) + (va & (kHugePageSize - 1));
    return true;
  }
  if ((*pde & kPtePresent) == 0) return false;
  const uint64_t pte = table(*pde & kPteFrame)[table_index(va, 0)];
  if (!pte_mapped(pte)) return false;
  *out_entry = pte;
  *out_gpa = (pte & kPteFrame) + (va & kPageMask);
  return true;
}

uint64_t* user_pte(uint64_t va, bool create) {
  uint64_t* pde = user_pde(va, create);
  if (pde == nullptr) return nullptr;
  // Callers of user_pte work on 4 KiB entries: a 2 MiB page in the way is
  // split first.
  if (pde_is_huge(*pde) && !split_huge(pde)) return nullptr;
  uint64_t* t = next_table(pde, kUserTableLink, create);
  return t == nullptr ? nullptr : &t[table_index(va, 0)];
}

}  // namespace cloister::shim
