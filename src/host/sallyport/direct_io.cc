// SPDX-License-Identifier: Apache-2.0
//
// Direct I/O (sallyport::kOpDirect): read/write and their p/v forms with the
// keep program's buffers passed by virtual address. The host translates them
// (guest_pages.h) and lets the kernel move the data between the descriptor
// and guest memory: no copy in the guest, none through the block.
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "host/sallyport/calls.h"

namespace cloister::host::sallyport {
namespace {

namespace abi = cloister::sallyport;

// Collects the host ranges of every guest buffer the call names: one buffer
// (read/write/pread/pwrite) or an iovec array (the v-forms). The host writes
// into guest memory for reads.
bool gather(const DirectCall& c, bool vectored, bool host_writes, HostIovecs* out) {
  const uint64_t cr3 = c.arg[5];
  if (!vectored) return translate_user_range(c.ram, cr3, c.arg[1], c.arg[2], host_writes, out);
  const uint64_t count = c.arg[2];
  if (count > abi::kMaxDirectIovecs) return false;
  struct GuestIovec {
    uint64_t base;
    uint64_t len;
  };
  static thread_local GuestIovec guest[abi::kMaxDirectIovecs];
  if (!copy_from_guest(c.ram, cr3, c.arg[1], guest, count * sizeof(GuestIovec))) return false;
  for (uint64_t i = 0; i < count && out->count < HostIovecs::kMax; ++i) {
    if (!translate_user_range(c.ram, cr3, guest[i].base, guest[i].len, host_writes, out)) {
      return false;
    }
  }
  return true;
}

}  // namespace

int64_t sys_direct(DirectCall& c, uint64_t op) {
  bool vectored = false, host_writes = false, positioned = false;
  switch (op) {
    case SYS_read:
      host_writes = true;
      break;
    case SYS_write:
      break;
    case SYS_pread64:
      host_writes = positioned = true;
      break;
    case SYS_pwrite64:
      positioned = true;
      break;
    case SYS_readv:
      host_writes = vectored = true;
      break;
    case SYS_writev:
      vectored = true;
      break;
    case SYS_preadv:
      host_writes = vectored = positioned = true;
      break;
    case SYS_pwritev:
      vectored = positioned = true;
      break;
    default:
      return -ENOSYS;
  }
  const int fd = c.fds.host(c.arg[0]);
  if (fd < 0) return -EBADF;
  // A struct of 1024 iovecs is 16 KiB: kept off the stack, and one vCPU
  // means one request at a time.
  static thread_local HostIovecs iov;
  iov.count = 0;
  iov.bytes = 0;
  if (!gather(c, vectored, host_writes, &iov)) return -EFAULT;
  if (iov.count == 0) return 0;
  const int n = static_cast<int>(iov.count);
  if (positioned) {
    const auto offset = static_cast<off_t>(c.arg[3]);
    return reply_of(host_writes ? ::preadv(fd, iov.iov, n, offset)
                                : ::pwritev(fd, iov.iov, n, offset));
  }
  return reply_of(host_writes ? ::readv(fd, iov.iov, n) : ::writev(fd, iov.iov, n));
}

}  // namespace cloister::host::sallyport
