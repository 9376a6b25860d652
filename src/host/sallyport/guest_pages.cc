// SPDX-License-Identifier: Apache-2.0
#include "host/sallyport/guest_pages.h"

#include <algorithm>
#include <cstring>

namespace cloister::host::sallyport {
namespace {

constexpr uint64_t kPresent = 1;
constexpr uint64_t kWritable = 1 << 1;
constexpr uint64_t kUser = 1 << 2;
constexpr uint64_t kLargePage = 1 << 7;
constexpr uint64_t kAddressMask = 0x000ffffffffff000;
// Everything above is the kernel's half (and non-canonical addresses).
constexpr uint64_t kUserTop = uint64_t{1} << 47;

bool read_entry(const GuestRam& ram, uint64_t gpa, uint64_t* out) {
  if (ram.size < 8 || gpa > ram.size - 8) return false;
  std::memcpy(out, ram.base + gpa, 8);
  return true;
}

// The host address of `va` and how many bytes follow it in the same page.
bool translate(const GuestRam& ram, uint64_t cr3, uint64_t va, bool for_write, uint8_t** host,
               uint64_t* room) {
  if (va >= kUserTop) return false;
  uint64_t table = cr3 & kAddressMask;
  // Level 3 = PML4 ... level 0 = page table; 2 MiB and 1 GiB leaves at
  // levels 1 and 2.
  for (int level = 3; level >= 0; --level) {
    const unsigned shift = 12 + 9 * static_cast<unsigned>(level);
    uint64_t entry = 0;
    if (!read_entry(ram, table + ((va >> shift) & 511) * 8, &entry)) return false;
    if ((entry & kPresent) == 0 || (entry & kUser) == 0) return false;
    if (for_write && (entry & kWritable) == 0) return false;
    if (level == 0 || (level <= 2 && (entry & kLargePage) != 0)) {
      const uint64_t page = uint64_t{1} << shift;
      const uint64_t gpa = (entry & kAddressMask & ~(page - 1)) + (va & (page - 1));
      if (gpa >= ram.size) return false;
      *host = ram.base + gpa;
      *room = std::min(page - (va & (page - 1)), ram.size - gpa);
      return true;
    }
    table = entry & kAddressMask;
  }
  return false;
}

}  // namespace

bool translate_user_range(const GuestRam& ram, uint64_t cr3, uint64_t va, uint64_t len,
                          bool for_write, HostIovecs* out) {
  if (len > kUserTop || va > kUserTop - len) return false;
  while (len > 0) {
    uint8_t* host = nullptr;
    uint64_t room = 0;
    if (!translate(ram, cr3, va, for_write, &host, &room)) return false;
    const uint64_t n = std::min(room, len);
    iovec* last = out->count > 0 ? &out->iov[out->count - 1] : nullptr;
    if (last != nullptr && static_cast<uint8_t*>(last->iov_base) + last->iov_len == host) {
      last->iov_len += n;
    } else if (out->count == HostIovecs::kMax) {
      return true;  // cut short: a short count for the caller
    } else {
      out->iov[out->count++] = {host, n};
    }
    out->bytes += n;
    va += n;
    len -= n;
  }
  return true;
}

bool copy_from_guest(const GuestRam& ram, uint64_t cr3, uint64_t va, void* out, size_t len) {
  HostIovecs pieces;
  if (!translate_user_range(ram, cr3, va, len, false, &pieces) || pieces.bytes != len) {
    return false;
  }
  auto* dst = static_cast<uint8_t*>(out);
  for (size_t i = 0; i < pieces.count; ++i) {
    std::memcpy(dst, pieces.iov[i].iov_base, pieces.iov[i].iov_len);
    dst += pieces.iov[i].iov_len;
  }
  return true;
}

}  // namespace cloister::host::sallyport
