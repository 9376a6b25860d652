// SPDX-License-Identifier: Apache-2.0
#include "shim/address_space.h"

#include <linux/mman.h>

#include <cstring>

#include "shim/layout.h"
#include "shim/page_alloc.h"
#include "shim/paging.h"

namespace cloister::shim {
namespace {

constinit uint64_t mmap_floor = 0;
constinit uint64_t mmap_cursor = 0;

}  // namespace

uint64_t pte_flags_for_prot(uint64_t prot) {
  if ((prot & (PROT_READ | PROT_WRITE | PROT_EXEC)) == 0) return kPteNoAccess | kPteNx;
  // x86 pages are always readable when present; write and execute are the
  // bits that matter.
  uint64_t flags = kPtePresent | kPteUser;
  if (prot & PROT_WRITE) flags |= kPteWrite;
  if ((prot & PROT_EXEC) == 0) flags |= kPteNx;
  return flags;
}

bool user_range_valid(uint64_t va, uint64_t len) {
  return len != 0 && (va & kPageMask) == 0 && (len & kPageMask) == 0 && va >= kUserBottom &&
         va < kUserTop && len <= kUserTop - va;
}

bool range_free(uint64_t va, uint64_t len, uint64_t* out_conflict) {
  bool free = true;
  for_each_table(va, len, false, [&](uint64_t p, uint64_t* pte, uint64_t n) {
    for (uint64_t i = 0; i < n; ++i) {
      if (pte_mapped(pte[i])) {
        if (out_conflict != nullptr) *out_conflict = p + i * kPageSize;
        free = false;
        return false;
      }
    }
    return true;
  });
  return free;
}

bool range_fully_mapped(uint64_t va, uint64_t len) {
  uint64_t seen = 0;
  for_each_table(va, len, false, [&](uint64_t, uint64_t* pte, uint64_t n) {
    for (uint64_t i = 0; i < n; ++i) {
      if (!pte_mapped(pte[i])) return false;
      ++seen;
    }
    return true;
  });
  return seen == len / kPageSize;
}

bool map_zeroed(uint64_t va, uint64_t len, uint64_t flags) {
  uint64_t done = 0;
  bool ok = for_each_table(va, len, true, [&](uint64_t, uint64_t* pte, uint64_t n) {
    for (uint64_t i = 0; i < n;) {
      uint64_t first;
      const uint64_t got = page_alloc_fresh_run(n - i, &first);
      if (got == 0) {  // no fresh pages left: one recycled (zeroed) page
        const uint64_t frame = page_alloc();
        if (frame == 0) return false;
        pte[i++] = frame | flags;
        done += kPageSize;
        continue;
      }
      for (uint64_t k = 0; k < got; ++k) pte[i + k] = (first + k * kPageSize) | flags;
      i += got;
      done += got * kPageSize;
    }
    return true;
  });
  if (!ok || done != len) {
    unmap_range(va, done);
    return false;
  }
  return true;
}

void unmap_range(uint64_t va, uint64_t len) {
  // Frames handed out together usually come back together: give them back
  // as runs.
  uint64_t run_start = 0, run_end = 0;
  for_each_table(va, len, false, [&](uint64_t, uint64_t* pte, uint64_t n) {
    for (uint64_t i = 0; i < n; ++i) {
      if (!pte_mapped(pte[i])) continue;
      const uint64_t frame = pte[i] & kPteFrame;
      pte[i] = 0;
      if (frame == run_end) {
        run_end += kPageSize;
      } else {
        page_free_run(run_start, run_end);
        run_start = frame;
        run_end = frame + kPageSize;
      }
    }
    return true;
  });
  page_free_run(run_start, run_end);
  flush_user_range(va, len);
}

void protect_range(uint64_t va, uint64_t len, uint64_t flags) {
  for_each_table(va, len, false, [&](uint64_t, uint64_t* pte, uint64_t n) {
    for (uint64_t i = 0; i < n; ++i) {
      if (!pte_mapped(pte[i])) continue;
      pte[i] = (pte[i] & kPteFrame) | flags;
    }
    return true;
  });
  flush_user_range(va, len);
}

bool move_range(uint64_t from, uint64_t to, uint64_t len) {
  // Make every table first, so a shortage of pages cannot leave the range
  // half moved.
  if (!for_each_table(to, len, true, [](uint64_t, uint64_t*, uint64_t) { return true; })) {
    return false;
  }
  for_each_table(from, len, false, [&](uint64_t p, uint64_t* pte, uint64_t n) {
    for (uint64_t i = 0; i < n; ++i) {
      if (!pte_mapped(pte[i])) continue;
      const uint64_t va = p + i * kPageSize;
      *user_pte(to + (va - from), false) = pte[i];
      pte[i] = 0;
    }
    return true;
  });
  flush_user_range(from, len);
  return true;
}

void zero_range(uint64_t va, uint64_t len) {
  for_each_table(va, len, false, [&](uint64_t, uint64_t* pte, uint64_t n) {
    for (uint64_t i = 0; i < n; ++i) {
      if (pte_mapped(pte[i])) std::memset(phys(pte[i] & kPteFrame), 0, kPageSize);
    }
    return true;
  });
}

void mmap_area_init(uint64_t floor, uint64_t top) {
  mmap_floor = floor;
  mmap_cursor = top;
}

uint64_t find_free_range(uint64_t len) {
  // Top down from the lowest address handed out so far; a range that is
  // taken (MAP_FIXED, brk) moves the search below it. Address space is
  // plentiful (tens of TiB), so holes left by munmap are not reused.
  uint64_t top = mmap_cursor;
  while (top >= mmap_floor && top - mmap_floor >= len) {
    const uint64_t candidate = top - len;
    uint64_t conflict = 0;
    if (range_free(candidate, len, &conflict)) {
      mmap_cursor = candidate;
      return candidate;
    }
    top = conflict;
  }
  return 0;
}

}  // namespace cloister::shim
