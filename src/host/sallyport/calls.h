// SPDX-License-Identifier: Apache-2.0
//
// The allow-listed Linux calls of the sallyport (docs/sallyport.md), one
// function each. A call sees a copy of the request's arguments, the block
// (through the checked accessor) and the fd table, and returns the reply:
// the result, or -errno. The server (server.cc) picks the function by op.
#pragma once

#include <cerrno>
#include <cstdint>

#include "host/sallyport/block.h"
#include "host/sallyport/fd_table.h"
#include "host/sallyport/guest_pages.h"

namespace cloister::host::sallyport {

struct Call {
  const Block& block;
  FdTable& fds;
  uint64_t arg[6];
};

// -errno of the host call that just failed.
inline int64_t neg_errno() {
  return -static_cast<int64_t>(errno);
}
// A host call's return value as a reply.
inline int64_t reply_of(long r) {
  return r < 0 ? neg_errno() : static_cast<int64_t>(r);
}

// io_calls.cc: descriptors and their data.
int64_t sys_read(Call& c);
int64_t sys_write(Call& c);
int64_t sys_pread64(Call& c);
int64_t sys_pwrite64(Call& c);
int64_t sys_close(Call& c);
int64_t sys_lseek(Call& c);
int64_t sys_ioctl(Call& c);
int64_t sys_fsync(Call& c);
int64_t sys_fdatasync(Call& c);
int64_t sys_ftruncate(Call& c);
int64_t sys_fallocate(Call& c);
int64_t sys_getdents64(Call& c);

// fcntl_call.cc
int64_t sys_fcntl(Call& c);

// path_calls.cc: *at calls, confined beneath their directory descriptor.
int64_t sys_openat(Call& c);
int64_t sys_openat2(Call& c);
int64_t sys_mkdirat(Call& c);
int64_t sys_newfstatat(Call& c);
int64_t sys_unlinkat(Call& c);
int64_t sys_renameat(Call& c);
int64_t sys_linkat(Call& c);
int64_t sys_symlinkat(Call& c);
int64_t sys_readlinkat(Call& c);
int64_t sys_utimensat(Call& c);

// socket_calls.cc: sockets the host opened (the keep cannot make any).
int64_t sys_sendto(Call& c);
int64_t sys_recvfrom(Call& c);
int64_t sys_shutdown(Call& c);
int64_t sys_getsockname(Call& c);
int64_t sys_getpeername(Call& c);
int64_t sys_setsockopt(Call& c);
int64_t sys_getsockopt(Call& c);
int64_t sys_accept4(Call& c);

// direct_io.cc: op | kOpDirect, the buffers named by guest virtual address.
struct DirectCall {
  const GuestRam& ram;
  FdTable& fds;
  uint64_t arg[6];
};
int64_t sys_direct(DirectCall& c, uint64_t op);

// time_poll_calls.cc
int64_t sys_clock_gettime(Call& c);
int64_t sys_clock_getres(Call& c);
int64_t sys_clock_nanosleep(Call& c);
int64_t sys_ppoll(Call& c);

}  // namespace cloister::host::sallyport
