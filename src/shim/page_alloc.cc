// SPDX-License-Identifier: Apache-2.0
#include "shim/page_alloc.h"

#include <cstring>

#include "shim/layout.h"
#include "shim/paging.h"

namespace cloister::shim {
namespace {

// Pages never handed out yet: [fresh_next, fresh_end). The host hands the
// guest zeroed memory, so these need no clearing, which keeps start-up cheap
// (the keep's stack and heap come from here). They go first.
constinit uint64_t fresh_next = 0;
constinit uint64_t fresh_end = 0;
// Pages given back: a stack linked through each page's first 8 bytes (read
// through the physmap). They held the keep program's data, so they are
// zeroed before reuse.
constinit uint64_t recycled_head = 0;
constinit uint64_t recycled_count = 0;
// A range of pages with old contents (the tail of the keep program's file),
// zeroed as they are handed out.
constinit uint64_t dirty_next = 0;
constinit uint64_t dirty_end = 0;

}  // namespace

void page_alloc_init(uint64_t first_gpa, uint64_t end_gpa) {
  fresh_next = page_up(first_gpa);
  fresh_end = page_down(end_gpa);
}

uint64_t page_alloc() {
  if (fresh_next < fresh_end) {
    const uint64_t gpa = fresh_next;
    fresh_next += kPageSize;
    return gpa;
  }
  uint64_t gpa = 0;
  if (recycled_head != 0) {
    gpa = recycled_head;
    std::memcpy(&recycled_head, phys(gpa), sizeof(recycled_head));
    --recycled_count;
  } else if (dirty_next < dirty_end) {
    gpa = dirty_next;
    dirty_next += kPageSize;
  } else {
    return 0;
  }
  std::memset(phys(gpa), 0, kPageSize);
  return gpa;
}

void page_alloc_add_dirty(uint64_t first_gpa, uint64_t end_gpa) {
  dirty_next = page_up(first_gpa);
  dirty_end = page_down(end_gpa);
}

void page_free(uint64_t gpa) {
  std::memcpy(phys(gpa), &recycled_head, sizeof(recycled_head));
  recycled_head = gpa;
  ++recycled_count;
}

uint64_t pages_available() {
  return recycled_count + (fresh_end - fresh_next) / kPageSize;
}

}  // namespace cloister::shim
