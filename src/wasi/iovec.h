// SPDX-License-Identifier: Apache-2.0
//
// Gathering a guest's iovec/ciovec array (fd_read, fd_write, fd_pread,
// fd_pwrite, sock_recv, sock_send) into host `struct iovec`s that point
// straight into guest memory, so the kernel copies data in and out without an
// intermediate buffer. Every buffer is bounds-checked first; nothing is read
// or written before the whole list has been validated.
#pragma once

#include <sys/uio.h>

#include <cstdint>
#include <vector>

#include "wasi/guest_memory.h"

namespace cloister::wasi {

// Longest iovec list accepted, as Linux's IOV_MAX (longer lists are Inval,
// as readv/writev make them EINVAL).
inline constexpr uint32_t kMaxIovecs = 1024;

// The most bytes one call transfers: results are reported to the guest as a
// u32 `size`. Lists describing more (possible with repeated or overlapping
// buffers) are shortened to this many bytes, which is a legal short transfer.
inline constexpr uint64_t kMaxTransfer = UINT32_MAX;

// The `count` (c)iovec records at `iovs_ptr` as host iovecs into `mem`.
// Errors: Fault when the array or any buffer lies outside memory (every
// record is checked), Inval when `count` exceeds kMaxIovecs. Empty buffers
// are kept (they are legal) and an empty list gives an empty vector. The
// list is shortened so the lengths sum to at most `max_total`. The result is
// valid until guest memory grows.
ErrnoOr<std::vector<struct iovec>> gather_iovecs(GuestMemory& mem, uint32_t iovs_ptr,
                                                 uint32_t count, uint64_t max_total = kMaxTransfer);

// Sum of the lengths of `iovs` (at most kMaxTransfer for gather_iovecs output).
uint64_t iovec_total(const std::vector<struct iovec>& iovs);

}  // namespace cloister::wasi
