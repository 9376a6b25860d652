// SPDX-License-Identifier: Apache-2.0
#include "shim/address_space.h"

#include <linux/mman.h>

#include <cstring>

#include "shim/layout.h"
#include "shim/page_alloc.h"
#include "shim/paging.h"

namespace cloister::shim {
namespace {

constexpr uint64_t kTableSpan = uint64_t{2} << 20;  // what one page table covers

constinit uint64_t mmap_floor = 0;
constinit uint64_t mmap_cursor = 0;

// The mapped page's entry at `va`, or null (no table or not mapped).
uint64_t* mapped_pte(uint64_t va) {
  uint64_t* pte = user_pte(va, false);
  return pte != nullptr && pte_mapped(*pte) ? pte : nullptr;
}

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
  const uint64_t end = va + len;
  for (uint64_t p = va; p < end;) {
    const uint64_t* pte = user_pte(p, false);
    if (pte == nullptr) {  // no page table: the whole 2 MiB it would cover is free
      p = (p & ~(kTableSpan - 1)) + kTableSpan;
      continue;
    }
    if (pte_mapped(*pte)) {
      if (out_conflict != nullptr) *out_conflict = p;
      return false;
    }
    p += kPageSize;
  }
  return true;
}

bool range_fully_mapped(uint64_t va, uint64_t len) {
  for (uint64_t p = va; p < va + len; p += kPageSize) {
    if (mapped_pte(p) == nullptr) return false;
  }
  return true;
}

bool map_zeroed(uint64_t va, uint64_t len, uint64_t flags) {
  for (uint64_t p = va; p < va + len; p += kPageSize) {
    uint64_t* pte = user_pte(p, true);
    const uint64_t frame = pte != nullptr ? page_alloc() : 0;
    if (frame == 0) {
      unmap_range(va, p - va);
      return false;
    }
    *pte = frame | flags;
  }
  return true;
}

void unmap_range(uint64_t va, uint64_t len) {
  for (uint64_t p = va; p < va + len; p += kPageSize) {
    uint64_t* pte = mapped_pte(p);
    if (pte == nullptr) continue;
    const uint64_t frame = *pte & kPteFrame;
    *pte = 0;
    flush_page(p);
    page_free(frame);
  }
}

void protect_range(uint64_t va, uint64_t len, uint64_t flags) {
  for (uint64_t p = va; p < va + len; p += kPageSize) {
    uint64_t* pte = mapped_pte(p);
    if (pte == nullptr) continue;
    *pte = (*pte & kPteFrame) | flags;
    flush_page(p);
  }
}

bool move_range(uint64_t from, uint64_t to, uint64_t len) {
  // Make every table first, so a shortage of pages cannot leave the range
  // half moved.
  for (uint64_t off = 0; off < len; off += kPageSize) {
    if (user_pte(to + off, true) == nullptr) return false;
  }
  for (uint64_t off = 0; off < len; off += kPageSize) {
    uint64_t* src = mapped_pte(from + off);
    if (src == nullptr) continue;
    *user_pte(to + off, false) = *src;
    *src = 0;
    flush_page(from + off);
  }
  return true;
}

void zero_range(uint64_t va, uint64_t len) {
  for (uint64_t p = va; p < va + len; p += kPageSize) {
    if (const uint64_t* pte = mapped_pte(p)) std::memset(phys(*pte & kPteFrame), 0, kPageSize);
  }
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
