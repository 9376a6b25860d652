// SPDX-License-Identifier: Apache-2.0
#include "shim/address_space.h"

#include <linux/mman.h>

#include <cstring>

#include "shim/layout.h"
#include "shim/page_alloc.h"
#include "shim/page_tables.h"
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

namespace {

constexpr uint64_t kTableLink = kPtePresent | kPteWrite | kPteUser;

// Visits [va, va+len) in pieces that stay within one 2 MiB page-directory
// entry: fn(piece_start, piece_end, pde), with pde null for a piece (then up
// to 512 GiB long) where not even the page directory exists. Stops early
// when fn returns false.
template <typename Fn>
void for_each_pde(uint64_t va, uint64_t len, bool create, Fn fn) {
  const uint64_t end = va + len;
  for (uint64_t p = va; p < end;) {
    uint64_t piece_end = (p & ~(kTableSpan - 1)) + kTableSpan;
    uint64_t* pde;
    if (create) {
      pde = user_pde(p, true);
    } else {
      uint64_t gap_end;  // where no PDPT or PD exists, one piece covers it all
      pde = user_pde_or_gap(p, &gap_end);
      if (pde == nullptr && gap_end > piece_end) piece_end = gap_end;
    }
    const uint64_t stop = end < piece_end ? end : piece_end;
    if (!fn(p, stop, pde)) return;
    p = stop;
  }
}

bool whole(uint64_t p, uint64_t stop) {
  return stop - p == kTableSpan;
}

// The 4 KiB entries of [p, stop) under a page-directory entry that links a
// page table.
uint64_t* entries(uint64_t pde, uint64_t p) {
  return reinterpret_cast<uint64_t*>(phys(pde & kPteFrame)) + table_index(p, 0);
}

// Fills n entries from `pte` with zeroed frames (fresh ones in runs).
// Returns how many it filled (fewer only when memory ran out).
uint64_t fill_entries(uint64_t* pte, uint64_t n, uint64_t flags) {
  uint64_t i = 0;
  while (i < n) {
    uint64_t first;
    const uint64_t got = page_alloc_fresh_run(n - i, &first);
    if (got == 0) {  // no fresh pages left: one recycled (zeroed) page
      const uint64_t frame = page_alloc();
      if (frame == 0) break;
      pte[i++] = frame | flags;
      continue;
    }
    for (uint64_t k = 0; k < got; ++k) pte[i + k] = (first + k * kPageSize) | flags;
    i += got;
  }
  return i;
}

// Collects frames into runs for page_free_run: frames handed out together
// usually come back together.
struct FrameRuns {
  uint64_t start = 0, end = 0;
  void add(uint64_t frame, uint64_t size = kPageSize) {
    if (frame == end) {
      end += size;
      return;
    }
    page_free_run(start, end);
    start = frame;
    end = frame + size;
  }
  ~FrameRuns() { page_free_run(start, end); }
};

}  // namespace

bool range_free(uint64_t va, uint64_t len, uint64_t* out_conflict) {
  bool free = true;
  for_each_pde(va, len, false, [&](uint64_t p, uint64_t stop, uint64_t* pde) {
    if (pde == nullptr || *pde == 0) return true;
    uint64_t conflict = p;
    if (!pde_is_huge(*pde)) {
      const uint64_t* pte = entries(*pde, p);
      uint64_t i = 0;
      while (i < (stop - p) / kPageSize && !pte_mapped(pte[i])) ++i;
      if (i == (stop - p) / kPageSize) return true;
      conflict = p + i * kPageSize;
    }
    if (out_conflict != nullptr) *out_conflict = conflict;
    free = false;
    return false;
  });
  return free;
}

bool range_fully_mapped(uint64_t va, uint64_t len) {
  bool mapped = true;
  for_each_pde(va, len, false, [&](uint64_t p, uint64_t stop, uint64_t* pde) {
    if (pde == nullptr || *pde == 0) {
      mapped = false;
    } else if (!pde_is_huge(*pde)) {
      const uint64_t* pte = entries(*pde, p);
      for (uint64_t i = 0; i < (stop - p) / kPageSize; ++i) mapped = mapped && pte_mapped(pte[i]);
    }
    return mapped;
  });
  return mapped;
}

// Whole, aligned 2 MiB pieces become 2 MiB pages while fresh memory can
// provide them: one entry to write instead of 512, which matters where ring
// 0 is emulated (KVM's PVM flavour) and saves TLB entries everywhere.
bool map_zeroed(uint64_t va, uint64_t len, uint64_t flags) {
  // A request larger than what is left fails at once, before recycled pages
  // are zeroed only to be given back (slow where ring 0 is emulated).
  if (len / kPageSize > pages_available()) return false;
  uint64_t done = 0;
  bool ok = true;
  for_each_pde(va, len, true, [&](uint64_t p, uint64_t stop, uint64_t* pde) {
    if (pde == nullptr) return ok = false;
    if (*pde == 0 && whole(p, stop)) {
      if (const uint64_t frame = page_alloc_huge()) {
        *pde = frame | flags | kPteHuge;
        done += kTableSpan;
        return true;
      }
    }
    if (*pde == 0) {
      const uint64_t table_gpa = page_alloc();
      if (table_gpa == 0) return ok = false;
      *pde = table_gpa | kTableLink;
    }
    const uint64_t n = (stop - p) / kPageSize;
    const uint64_t filled = fill_entries(entries(*pde, p), n, flags);
    done += filled * kPageSize;
    return ok = filled == n;
  });
  if (!ok) {
    unmap_range(va, done);
    return false;
  }
  return true;
}

void unmap_range(uint64_t va, uint64_t len) {
  FrameRuns freed;
  for_each_pde(va, len, false, [&](uint64_t p, uint64_t stop, uint64_t* pde) {
    if (pde == nullptr || *pde == 0) return true;
    if (pde_is_huge(*pde)) {
      if (whole(p, stop)) {
        freed.add(*pde & kPteFrame, kTableSpan);
        *pde = 0;
        return true;
      }
      // Part of a 2 MiB page: split it first. Without a page left for the
      // table the piece stays mapped (the one way munmap can fall short,
      // and only when guest memory is exhausted).
      if (!split_huge(pde)) return true;
    }
    const uint64_t table_gpa = *pde & kPteFrame;
    uint64_t* pte = entries(*pde, p);
    for (uint64_t i = 0; i < (stop - p) / kPageSize; ++i) {
      if (!pte_mapped(pte[i])) continue;
      freed.add(pte[i] & kPteFrame);
      pte[i] = 0;
    }
    if (whole(p, stop)) {  // the table is empty now: it goes too
      *pde = 0;
      freed.add(table_gpa);
    }
    return true;
  });
  flush_user_range(va, len);
}

void protect_range(uint64_t va, uint64_t len, uint64_t flags) {
  for_each_pde(va, len, false, [&](uint64_t p, uint64_t stop, uint64_t* pde) {
    if (pde == nullptr || *pde == 0) return true;
    if (pde_is_huge(*pde)) {
      if (whole(p, stop)) {
        *pde = (*pde & kPteFrame) | flags | kPteHuge;
        return true;
      }
      if (!split_huge(pde)) return true;
    }
    uint64_t* pte = entries(*pde, p);
    for (uint64_t i = 0; i < (stop - p) / kPageSize; ++i) {
      if (pte_mapped(pte[i])) pte[i] = (pte[i] & kPteFrame) | flags;
    }
    return true;
  });
  flush_user_range(va, len);
}

bool move_range(uint64_t from, uint64_t to, uint64_t len) {
  // First make every table the move needs (and split 2 MiB pages that do not
  // move whole), so a shortage of pages cannot leave the range half moved.
  // A 2 MiB page whose destination is also 2 MiB aligned moves as one entry.
  const bool aligned = ((to - from) & (kTableSpan - 1)) == 0;
  bool ok = true;
  for_each_pde(from, len, false, [&](uint64_t p, uint64_t stop, uint64_t* pde) {
    if (pde == nullptr || *pde == 0) return true;
    const uint64_t dest = to + (p - from);
    if (pde_is_huge(*pde) && aligned && whole(p, stop)) {
      return ok = user_pde(dest, true) != nullptr;
    }
    if (pde_is_huge(*pde) && !split_huge(pde)) return ok = false;
    for (uint64_t q = dest; q < dest + (stop - p); q += kTableSpan - (q & (kTableSpan - 1))) {
      if (user_pte(q, true) == nullptr) return ok = false;
    }
    return true;
  });
  if (!ok) return false;
  for_each_pde(from, len, false, [&](uint64_t p, uint64_t stop, uint64_t* pde) {
    if (pde == nullptr || *pde == 0) return true;
    if (pde_is_huge(*pde)) {  // whole and aligned (checked above)
      *user_pde(to + (p - from), false) = *pde;
      *pde = 0;
      return true;
    }
    uint64_t* pte = entries(*pde, p);
    for (uint64_t i = 0; i < (stop - p) / kPageSize; ++i) {
      if (!pte_mapped(pte[i])) continue;
      *user_pte(to + (p - from) + i * kPageSize, false) = pte[i];
      pte[i] = 0;
    }
    return true;
  });
  flush_user_range(from, len);
  return true;
}

void zero_range(uint64_t va, uint64_t len) {
  for_each_pde(va, len, false, [&](uint64_t p, uint64_t stop, uint64_t* pde) {
    if (pde == nullptr || *pde == 0) return true;
    if (pde_is_huge(*pde)) {
      std::memset(phys((*pde & kPteFrame) + (p & (kTableSpan - 1))), 0, stop - p);
      return true;
    }
    const uint64_t* pte = entries(*pde, p);
    for (uint64_t i = 0; i < (stop - p) / kPageSize; ++i) {
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
  // A mapping of 2 MiB or more starts on a 2 MiB boundary, so it gets page
  // tables of its own, which map_zeroed fills before linking and
  // unmap_range drops whole (see there).
  const uint64_t align = len >= kTableSpan ? kTableSpan : kPageSize;
  uint64_t top = mmap_cursor;
  while (top >= mmap_floor && top - mmap_floor >= len) {
    const uint64_t candidate = (top - len) & ~(align - 1);
    if (candidate < mmap_floor) break;
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
