// SPDX-License-Identifier: Apache-2.0
//
// The shim's virtual memory layout (docs/shim.md has the picture).
//   0x0000000000000000 .. kUserTop          the keep program (ring 3), 4 KiB pages
//   kPhysmapBase + gpa                      all guest RAM, read/write, never executable
//   kKernelBase + 0x200000 .. + kShimEnd    the shim image, W^X per section
#pragma once

#include <cstdint>

#include "sallyport/boot.h"

namespace cloister::shim {

inline constexpr uint64_t kPageSize = 4096;
inline constexpr uint64_t kPageMask = kPageSize - 1;

// The physmap occupies PML4 slot 256, the first slot of the kernel half, so
// it can cover up to 512 GiB of guest RAM with one PDPT.
inline constexpr uint64_t kPhysmapBase = 0xFFFF800000000000;
inline constexpr uint64_t kMaxMemory = uint64_t{512} << 30;

// The lowest address the keep program may map (catches null pointers) and
// the end of its half. The last page below 2^47 is never mapped: a `syscall`
// in it would return to a non-canonical RIP, and `sysret` to one faults in
// ring 0 on Intel CPUs.
inline constexpr uint64_t kUserBottom = 0x10000;
inline constexpr uint64_t kUserTop = 0x00007FFFFFFFF000;

inline constexpr uint64_t page_down(uint64_t v) {
  return v & ~kPageMask;
}
// Callers check that v + kPageMask does not overflow (every user address is
// below kUserTop first).
inline constexpr uint64_t page_up(uint64_t v) {
  return (v + kPageMask) & ~kPageMask;
}

}  // namespace cloister::shim
