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

// Pages given back, as runs [start, end). Unmapping a range usually frees
// frames that were handed out one after another, so they coalesce into a
// few runs and freeing writes nothing into the pages themselves (every
// instruction counts where the shim's ring 0 is emulated). They held the keep
// program's data, so they are zeroed before reuse.
struct Run {
  uint64_t start, end;
};
constexpr int kMaxRuns = 128;
constinit Run runs[kMaxRuns] = {};
constinit int run_count = 0;
// When the runs are all taken: a stack linked through each page's first 8
// bytes (through the physmap).
constinit uint64_t linked_head = 0;
constinit uint64_t linked_count = 0;

// A range of pages with old contents (the tail of the keep program's file),
// zeroed as they are handed out.
constinit uint64_t dirty_next = 0;
constinit uint64_t dirty_end = 0;

uint64_t take_used_page() {
  if (run_count > 0) {
    Run& last = runs[run_count - 1];
    last.end -= kPageSize;
    const uint64_t gpa = last.end;
    if (last.end == last.start) --run_count;
    return gpa;
  }
  if (linked_head != 0) {
    const uint64_t gpa = linked_head;
    std::memcpy(&linked_head, phys(gpa), sizeof(linked_head));
    --linked_count;
    return gpa;
  }
  if (dirty_next < dirty_end) {
    const uint64_t gpa = dirty_next;
    dirty_next += kPageSize;
    return gpa;
  }
  return 0;
}

}  // namespace

void page_alloc_init(uint64_t first_gpa, uint64_t end_gpa) {
  fresh_next = page_up(first_gpa);
  fresh_end = page_down(end_gpa);
  run_count = 0;
  linked_head = linked_count = 0;
  dirty_next = dirty_end = 0;
}

void page_alloc_add_dirty(uint64_t first_gpa, uint64_t end_gpa) {
  dirty_next = page_up(first_gpa);
  dirty_end = page_down(end_gpa);
}

uint64_t page_alloc() {
  if (fresh_next < fresh_end) {
    const uint64_t gpa = fresh_next;
    fresh_next += kPageSize;
    return gpa;
  }
  const uint64_t gpa = take_used_page();
  if (gpa != 0) std::memset(phys(gpa), 0, kPageSize);
  return gpa;
}

uint64_t page_alloc_fresh_run(uint64_t max, uint64_t* out_first) {
  const uint64_t left = (fresh_end - fresh_next) / kPageSize;
  const uint64_t n = max < left ? max : left;
  *out_first = fresh_next;
  fresh_next += n * kPageSize;
  return n;
}

uint64_t page_alloc_huge() {
  constexpr uint64_t kHuge = uint64_t{2} << 20;
  const uint64_t aligned = (fresh_next + kHuge - 1) & ~(kHuge - 1);
  if (aligned < fresh_next || aligned > fresh_end || fresh_end - aligned < kHuge) return 0;
  page_free_run(fresh_next, aligned);  // the pages skipped for alignment stay usable
  fresh_next = aligned + kHuge;
  return aligned;
}

void page_free_run(uint64_t first, uint64_t end) {
  if (first >= end) return;
  if (run_count > 0) {
    Run& last = runs[run_count - 1];
    if (last.end == first) {
      last.end = end;
      return;
    }
    if (last.start == end) {
      last.start = first;
      return;
    }
  }
  if (run_count < kMaxRuns) {
    runs[run_count++] = Run{first, end};
    return;
  }
  for (uint64_t gpa = first; gpa < end; gpa += kPageSize) {
    std::memcpy(phys(gpa), &linked_head, sizeof(linked_head));
    linked_head = gpa;
    ++linked_count;
  }
}

void page_free(uint64_t gpa) {
  page_free_run(gpa, gpa + kPageSize);
}

uint64_t pages_available() {
  uint64_t n = linked_count + (fresh_end - fresh_next) / kPageSize;
  for (int i = 0; i < run_count; ++i) n += (runs[i].end - runs[i].start) / kPageSize;
  if (dirty_end > dirty_next) n += (dirty_end - dirty_next) / kPageSize;
  return n;
}

}  // namespace cloister::shim
