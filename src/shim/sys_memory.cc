// SPDX-License-Identifier: Apache-2.0
#include "shim/sys_memory.h"

#include <asm-generic/errno.h>
#include <linux/mman.h>

#include "shim/address_space.h"
#include "shim/layout.h"
#include "shim/page_alloc.h"
#include "shim/page_tables.h"
#include "shim/paging.h"

namespace cloister::shim {
namespace {

constinit uint64_t brk_base = 0;
constinit uint64_t brk_max = 0;
constinit uint64_t brk_current = 0;
// The end of what is mapped for the heap: at least page_up(brk_current). The
// heap is mapped ahead up to the next 2 MiB boundary, so it grows in few
// steps and its whole 2 MiB pieces become 2 MiB pages (page_tables.h).
constinit uint64_t brk_mapped = 0;

constexpr uint64_t kProtBits = PROT_READ | PROT_WRITE | PROT_EXEC;

// Rounds a length up to pages, refusing lengths that would wrap.
bool page_length(uint64_t len, uint64_t* out) {
  if (len == 0 || len > kUserTop) return false;
  *out = page_up(len);
  return true;
}

// Whether `prot` is something the shim grants: known bits, never W and X.
int64_t check_prot(uint64_t prot) {
  if ((prot & ~kProtBits) != 0) return -EINVAL;
  if ((prot & PROT_WRITE) && (prot & PROT_EXEC)) return -EACCES;
  return 0;
}

}  // namespace

void brk_init(uint64_t brk_start, uint64_t brk_limit) {
  brk_base = brk_current = brk_start;
  brk_mapped = page_up(brk_start);
  brk_max = brk_limit;
}

int64_t sys_brk(uint64_t addr) {
  // Linux's contract: the new break, or the old one when the request fails.
  const auto current = static_cast<int64_t>(brk_current);
  if (addr < brk_base || addr > brk_max) return current;
  const uint64_t need = page_up(addr);
  const uint64_t rw = pte_flags_for_prot(PROT_READ | PROT_WRITE);
  if (need > brk_mapped) {
    uint64_t ahead = (need + kHugePageSize - 1) & ~(kHugePageSize - 1);
    if (ahead > page_up(brk_max)) ahead = page_up(brk_max);
    // Something mapped in the way (MAP_FIXED) or memory short: try the
    // exact size before failing.
    if (!range_free(brk_mapped, ahead - brk_mapped) ||
        !map_zeroed(brk_mapped, ahead - brk_mapped, rw)) {
      ahead = need;
      if (!range_free(brk_mapped, ahead - brk_mapped) ||
          !map_zeroed(brk_mapped, ahead - brk_mapped, rw)) {
        return current;
      }
    }
    brk_mapped = ahead;
  } else if (need < page_up(brk_current)) {
    // glibc trims the heap and counts on memory it gets from brk later being
    // zero (calloc), so what lies above the new break is unmapped, not kept.
    unmap_range(need, brk_mapped - need);
    brk_mapped = need;
  }
  brk_current = addr;
  return static_cast<int64_t>(addr);
}

int64_t sys_mmap(uint64_t addr, uint64_t len, uint64_t prot, uint64_t flags, uint64_t fd,
                 uint64_t offset) {
  (void)fd;  // ignored for anonymous mappings, as Linux does
  uint64_t size;
  if (!page_length(len, &size)) return len == 0 ? -EINVAL : -ENOMEM;
  if (const int64_t e = check_prot(prot)) return e;
  const uint64_t type = flags & MAP_TYPE;
  if (type != MAP_PRIVATE)
    return type == MAP_SHARED || type == MAP_SHARED_VALIDATE ? -ENODEV : -EINVAL;
  // Files cannot be mapped: the keep program's files live on the host.
  if ((flags & MAP_ANONYMOUS) == 0) return -ENODEV;
  if (offset & kPageMask) return -EINVAL;
  if (flags & MAP_HUGETLB) return -EINVAL;
  const uint64_t pte_flags = pte_flags_for_prot(prot);
  // More than guest memory can back fails before any search: looking for
  // (or checking) a free range of terabytes would take long.
  if (size / kPageSize > pages_available()) return -ENOMEM;

  if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
    if (!user_range_valid(addr, size)) return (addr & kPageMask) ? -EINVAL : -ENOMEM;
    if (!range_free(addr, size)) {
      if ((flags & MAP_FIXED) == 0) return -EEXIST;
      unmap_range(addr, size);
    }
    if (!map_zeroed(addr, size, pte_flags)) return -ENOMEM;
    return static_cast<int64_t>(addr);
  }
  // A hint is only a hint: the shim always picks the address itself (which
  // also keeps the layout random).
  const uint64_t va = find_free_range(size);
  if (va == 0 || !map_zeroed(va, size, pte_flags)) return -ENOMEM;
  return static_cast<int64_t>(va);
}

int64_t sys_munmap(uint64_t addr, uint64_t len) {
  uint64_t size;
  if ((addr & kPageMask) || !page_length(len, &size) || !user_range_valid(addr, size)) {
    return -EINVAL;
  }
  unmap_range(addr, size);
  return 0;
}

int64_t sys_mprotect(uint64_t addr, uint64_t len, uint64_t prot) {
  if (addr & kPageMask) return -EINVAL;
  if (len == 0) return 0;
  uint64_t size;
  if (!page_length(len, &size) || !user_range_valid(addr, size)) return -ENOMEM;
  if (const int64_t e = check_prot(prot)) return e;
  if (!range_fully_mapped(addr, size)) return -ENOMEM;
  protect_range(addr, size, pte_flags_for_prot(prot));
  return 0;
}

int64_t sys_mremap(uint64_t old_addr, uint64_t old_len, uint64_t new_len, uint64_t flags,
                   uint64_t new_addr) {
  (void)new_addr;  // only with MREMAP_FIXED, which is refused
  // Growing in place or moving; MREMAP_FIXED and MREMAP_DONTUNMAP are not
  // needed by glibc's realloc and are refused. old_len 0 (duplicate a shared
  // mapping) has no meaning for private memory.
  if ((flags & ~uint64_t{MREMAP_MAYMOVE}) != 0) return -EINVAL;
  uint64_t old_size, new_size;
  if ((old_addr & kPageMask) || !page_length(old_len, &old_size) ||
      !user_range_valid(old_addr, old_size)) {
    return -EINVAL;
  }
  if (!page_length(new_len, &new_size)) return -EINVAL;
  if (!range_fully_mapped(old_addr, old_size)) return -EFAULT;
  if (new_size <= old_size) {
    unmap_range(old_addr + new_size, old_size - new_size);
    return static_cast<int64_t>(old_addr);
  }
  // The new part gets the permissions of the mapping's last page.
  uint64_t last_entry = 0, unused_gpa;
  user_lookup(old_addr + old_size - kPageSize, &last_entry, &unused_gpa);
  const uint64_t flags_last = last_entry & ~kPteFrame & ~kPteHuge;
  const uint64_t grow = new_size - old_size;
  if (grow / kPageSize > pages_available()) return -ENOMEM;
  const uint64_t tail = old_addr + old_size;
  if (user_range_valid(tail, grow) && range_free(tail, grow)) {
    if (!map_zeroed(tail, grow, flags_last)) return -ENOMEM;
    return static_cast<int64_t>(old_addr);
  }
  if ((flags & MREMAP_MAYMOVE) == 0) return -ENOMEM;
  // Move: the frames change address, the bytes are not copied.
  const uint64_t dest = find_free_range(new_size);
  if (dest == 0 || !map_zeroed(dest + old_size, grow, flags_last)) return -ENOMEM;
  if (!move_range(old_addr, dest, old_size)) {
    unmap_range(dest + old_size, grow);
    return -ENOMEM;
  }
  return static_cast<int64_t>(dest);
}

int64_t sys_madvise(uint64_t addr, uint64_t len, uint64_t advice) {
  if (addr & kPageMask) return -EINVAL;
  if (len == 0) return 0;
  uint64_t size;
  if (!page_length(len, &size) || !user_range_valid(addr, size)) return -ENOMEM;
  switch (advice) {
    case MADV_DONTNEED:
      // Private anonymous memory reads back as zeroes afterwards.
      if (!range_fully_mapped(addr, size)) return -ENOMEM;
      zero_range(addr, size);
      return 0;
    case MADV_NORMAL:
    case MADV_RANDOM:
    case MADV_SEQUENTIAL:
    case MADV_WILLNEED:
    case MADV_FREE:  // keeping the contents is one of its allowed outcomes
    case MADV_DONTFORK:
    case MADV_DOFORK:
    case MADV_MERGEABLE:
    case MADV_UNMERGEABLE:
    case MADV_HUGEPAGE:
    case MADV_NOHUGEPAGE:
    case MADV_DONTDUMP:
    case MADV_DODUMP:
      return range_fully_mapped(addr, size) ? 0 : -ENOMEM;
    default:
      return -EINVAL;
  }
}

}  // namespace cloister::shim
