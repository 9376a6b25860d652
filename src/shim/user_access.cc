// SPDX-License-Identifier: Apache-2.0
//
// The shim never dereferences a user address: it walks the keep program's
// page tables and copies through the physmap. A range that is not mapped,
// not user, or (for writes) not writable is refused before a byte moves, so
// a bad pointer is an EFAULT for the program rather than a fault in ring 0 —
// and SMAP can stay on.
#include "shim/user_access.h"

#include <asm-generic/errno.h>

#include <cstring>

#include "shim/layout.h"
#include "shim/page_tables.h"
#include "shim/paging.h"

namespace cloister::shim {
namespace {

// The shim's pointer to user byte `va`, or null if the page does not allow
// the access.
uint8_t* user_byte(uint64_t va, bool write) {
  uint64_t entry, gpa;
  if (!user_lookup(va, &entry, &gpa)) return nullptr;
  const uint64_t need = kPtePresent | kPteUser | (write ? kPteWrite : 0);
  if ((entry & need) != need) return nullptr;
  return phys(gpa);
}

bool range_ok(uint64_t va, uint64_t n) {
  return va < kUserTop && n <= kUserTop - va;
}

// Checks every page first, then copies: a copy never stops halfway.
bool check(uint64_t va, uint64_t n, bool write) {
  if (!range_ok(va, n)) return false;
  if (n == 0) return true;
  for (uint64_t page = page_down(va); page < va + n; page += kPageSize) {
    if (user_byte(page, write) == nullptr) return false;
  }
  return true;
}

}  // namespace

bool copy_from_user(void* dst, uint64_t user_src, uint64_t n) {
  if (!check(user_src, n, false)) return false;
  auto* out = static_cast<uint8_t*>(dst);
  while (n > 0) {
    const uint64_t chunk =
        kPageSize - (user_src & kPageMask) < n ? kPageSize - (user_src & kPageMask) : n;
    std::memcpy(out, user_byte(user_src, false), chunk);
    out += chunk;
    user_src += chunk;
    n -= chunk;
  }
  return true;
}

bool copy_to_user(uint64_t user_dst, const void* src, uint64_t n) {
  if (!check(user_dst, n, true)) return false;
  const auto* in = static_cast<const uint8_t*>(src);
  while (n > 0) {
    const uint64_t chunk =
        kPageSize - (user_dst & kPageMask) < n ? kPageSize - (user_dst & kPageMask) : n;
    std::memcpy(user_byte(user_dst, true), in, chunk);
    in += chunk;
    user_dst += chunk;
    n -= chunk;
  }
  return true;
}

int64_t copy_string_from_user(char* dst, uint64_t user_src, uint64_t max) {
  uint64_t i = 0;
  while (i < max) {
    const uint64_t va = user_src + i;
    if (va >= kUserTop) return -EFAULT;
    const uint8_t* p = user_byte(va, false);
    if (p == nullptr) return -EFAULT;
    for (uint64_t left = kPageSize - (va & kPageMask); left > 0 && i < max; --left, ++i, ++p) {
      dst[i] = static_cast<char>(*p);
      if (*p == '\0') return static_cast<int64_t>(i);
    }
  }
  return -ENAMETOOLONG;
}

}  // namespace cloister::shim
