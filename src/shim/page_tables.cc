// SPDX-License-Identifier: Apache-2.0
#include "shim/page_tables.h"

#include "shim/layout.h"
#include "shim/page_alloc.h"
#include "shim/paging.h"

namespace cloister::shim {
namespace {

constinit uint64_t root_gpa = 0;

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

uint64_t* user_pte(uint64_t va, bool create) {
  if (va >= kUserTop) return nullptr;
  // Intermediate user tables allow everything; each leaf says what the page
  // allows.
  return leaf_entry(va, kPtePresent | kPteWrite | kPteUser, create);
}

}  // namespace cloister::shim
