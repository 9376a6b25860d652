// SPDX-License-Identifier: Apache-2.0
//
// The keep program's memory as the host reaches it for direct I/O
// (sallyport::kOpDirect): guest virtual addresses translated through the
// guest's own x86-64 page tables. Everything read from guest memory (the
// tables included) is bounds-checked against guest RAM; a hostile guest can
// only make the host touch the guest's own memory, never its own.
#pragma once

#include <sys/uio.h>

#include <cstddef>
#include <cstdint>

namespace cloister::host::sallyport {

struct GuestRam {
  uint8_t* base = nullptr;  // the host's mapping of guest physical 0
  uint64_t size = 0;
};

// Host iovecs for a guest range, physically contiguous runs merged.
struct HostIovecs {
  static constexpr size_t kMax = 1024;
  iovec iov[kMax];
  size_t count = 0;
  uint64_t bytes = 0;
};

// Appends host ranges for guest virtual [va, va + len) under `cr3`. Every
// page must be present and user-accessible, and writable when `for_write`
// (the host will write into it). Returns false (EFAULT) otherwise; when
// `out` fills up the range is cut short, which a read or write may report as
// a short count.
bool translate_user_range(const GuestRam& ram, uint64_t cr3, uint64_t va, uint64_t len,
                          bool for_write, HostIovecs* out);

// Copies `len` bytes of guest virtual memory at `va` (user pages only) to
// `out`. For the iovec arrays of the v-forms.
bool copy_from_guest(const GuestRam& ram, uint64_t cr3, uint64_t va, void* out, size_t len);

}  // namespace cloister::host::sallyport
