// SPDX-License-Identifier: Apache-2.0
//
// The dispatcher: copies the request header out of the block (so the op and
// arguments cannot change under the host), runs the shim's own ops or the
// allow-listed Linux call, and writes the reply.
#include "host/sallyport/server.h"

#include <sys/syscall.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <utility>

#include "host/sallyport/block.h"
#include "host/sallyport/calls.h"
#include "host/sallyport/fd_table.h"
#include "host/sallyport/shim_ops.h"

namespace cloister::host::sallyport {
namespace {

namespace abi = cloister::sallyport;

using Handler = int64_t (*)(Call&);

// The allow-list (docs/sallyport.md): nullptr for everything else, which is
// ENOSYS. socket, bind, listen and connect are deliberately absent.
Handler handler_for(uint64_t op) {
  switch (op) {
    case SYS_read:
      return sys_read;
    case SYS_write:
      return sys_write;
    case SYS_close:
      return sys_close;
    case SYS_lseek:
      return sys_lseek;
    case SYS_ioctl:
      return sys_ioctl;
    case SYS_pread64:
      return sys_pread64;
    case SYS_pwrite64:
      return sys_pwrite64;
    case SYS_sendto:
      return sys_sendto;
    case SYS_recvfrom:
      return sys_recvfrom;
    case SYS_shutdown:
      return sys_shutdown;
    case SYS_getsockname:
      return sys_getsockname;
    case SYS_getpeername:
      return sys_getpeername;
    case SYS_setsockopt:
      return sys_setsockopt;
    case SYS_getsockopt:
      return sys_getsockopt;
    case SYS_fcntl:
      return sys_fcntl;
    case SYS_fsync:
      return sys_fsync;
    case SYS_fdatasync:
      return sys_fdatasync;
    case SYS_ftruncate:
      return sys_ftruncate;
    case SYS_getdents64:
      return sys_getdents64;
    case SYS_clock_gettime:
      return sys_clock_gettime;
    case SYS_clock_getres:
      return sys_clock_getres;
    case SYS_clock_nanosleep:
      return sys_clock_nanosleep;
    case SYS_openat:
      return sys_openat;
    case SYS_mkdirat:
      return sys_mkdirat;
    case SYS_newfstatat:
      return sys_newfstatat;
    case SYS_unlinkat:
      return sys_unlinkat;
    case SYS_renameat:
      return sys_renameat;
    case SYS_linkat:
      return sys_linkat;
    case SYS_symlinkat:
      return sys_symlinkat;
    case SYS_readlinkat:
      return sys_readlinkat;
    case SYS_ppoll:
      return sys_ppoll;
    case SYS_utimensat:
      return sys_utimensat;
    case SYS_fallocate:
      return sys_fallocate;
    case SYS_accept4:
      return sys_accept4;
    case SYS_openat2:
      return sys_openat2;
    default:
      return nullptr;
  }
}

void write_ret(uint8_t* block, int64_t ret) {
  std::memcpy(block + offsetof(abi::Header, ret), &ret, sizeof(ret));
}

}  // namespace

struct Server::Impl {
  int log_fd;
  FdTable fds;
  GuestRam ram;  // empty unless direct I/O is offered
  std::function<void(uint8_t*)> reply_hook;
};

Server::Server(int log_fd) : impl_(std::make_unique<Impl>()) {
  impl_->log_fd = log_fd;
}

Server::~Server() = default;

Result<void> Server::install(int guest_fd, UniqueFd host_fd, Access access) {
  return impl_->fds.install(guest_fd, std::move(host_fd), access == Access::kReadOnly);
}

void Server::set_guest_memory(uint8_t* base, uint64_t size) {
  impl_->ram = {base, size};
}

void Server::set_reply_hook(std::function<void(uint8_t* block)> hook) {
  impl_->reply_hook = std::move(hook);
}

Outcome Server::handle(uint8_t* base) {
  abi::Header h;
  std::memcpy(&h, base, sizeof(h));
  const Block block(base);
  switch (h.op) {
    case abi::kOpExit:
      return Exit{static_cast<int>(h.arg[0] & 0xff)};
    case abi::kOpFault:
      return Fault{h.arg[0], h.arg[1], h.arg[2], h.arg[3], h.arg[4], h.arg[5]};
    case abi::kOpViolation:
      return Violation{message_text(block, h.arg[0], h.arg[1])};
    case abi::kOpLog:
      write_ret(base, log_message(block, h.arg[0], h.arg[1], impl_->log_fd));
      return Continue{};
    default:
      break;
  }
  int64_t ret = -ENOSYS;
  if ((h.op & abi::kOpDirect) != 0) {
    // Only where the VMM offered it (guest memory known), and only for the
    // data calls sys_direct knows.
    if (impl_->ram.base != nullptr) {
      DirectCall call{impl_->ram, impl_->fds,
                      {h.arg[0], h.arg[1], h.arg[2], h.arg[3], h.arg[4], h.arg[5]}};
      ret = sys_direct(call, h.op & ~abi::kOpDirect);
    }
  } else if (const Handler handler = handler_for(h.op)) {
    Call call{block, impl_->fds, {h.arg[0], h.arg[1], h.arg[2], h.arg[3], h.arg[4], h.arg[5]}};
    ret = handler(call);
    // Host errnos are Linux's, all within range; this only keeps a future
    // mistake from putting a value outside the protocol into the reply.
    if (ret < -abi::kMaxErrno) ret = -EIO;
  }
  write_ret(base, ret);
  if (impl_->reply_hook) impl_->reply_hook(base);
  return Continue{};
}

}  // namespace cloister::host::sallyport
