// SPDX-License-Identifier: Apache-2.0
//
// Data transfer through the sallyport: read/write and their positioned and
// vectored forms, and getdents64. Through the block, a transfer larger than
// the data area becomes one request of kDataSize bytes (a short count, which
// Linux allows and every caller loops on), so each call costs one doorbell
// and exactly one copy in each direction; with direct I/O the host moves the
// data itself and the shim copies nothing.
#include <asm/unistd_64.h>

#include "shim/boot_info.h"
#include "shim/layout.h"
#include "shim/page_tables.h"
#include "shim/proxy_request.h"
#include "shim/user_access.h"

namespace cloister::shim::proxy {
namespace {

uint64_t clamp(uint64_t n, uint64_t max) {
  return n < max ? n : max;
}

// getdents64 records are checked in shim memory, not in the shared block the
// host could still be writing, so directory reads go through this buffer
// (glibc's readdir asks for 32 KiB at a time; a short read is legal).
constexpr uint64_t kDirentBounce = 64 * 1024;
alignas(8) uint8_t g_dirents[kDirentBounce];

// Direct I/O (sallyport::kOpDirect): where the host can reach guest memory
// anyway (kvm, never a confidential keep), it moves the data between the fd
// and the program's own buffers, named by address with the keep's CR3. No
// copy in ring 0 and no kDataSize split; the reply is checked as ever.
bool direct_io() {
  return (host_features() & sp::boot::kFeatureDirectIo) != 0;
}

// Whether [va, va + n) lies in the program's half (the host walks the page
// tables for the rest: present and user pages only).
bool user_range(uint64_t va, uint64_t n) {
  return va <= kUserTop && n <= kUserTop - va;
}

int64_t direct_call(const char* call, uint64_t op, uint64_t fd, uint64_t ptr, uint64_t count,
                    uint64_t offset, uint64_t asked) {
  Request req(call);
  const int64_t ret = req.call(op | sp::kOpDirect, fd, ptr, count, offset, 0, page_table_root());
  require(call, sp::check_length(ret, asked));
  return ret;
}

}  // namespace

// read(fd, buf, count) / pread64(fd, buf, count, offset)
int64_t read_like(const char* call, uint64_t op, const uint64_t a[6], bool positioned) {
  if (direct_io()) {
    if (!user_range(a[1], a[2])) return -EFAULT;
    return direct_call(call, op, fd_arg(a[0]), a[1], a[2], positioned ? a[3] : 0, a[2]);
  }
  Request req(call);
  const uint64_t n = clamp(a[2], req.room());
  const uint64_t data = req.reserve(n);
  const int64_t ret = req.call(op, fd_arg(a[0]), data, n, positioned ? a[3] : 0);
  require(call, sp::check_length(ret, n));
  if (ret > 0 && !copy_to_user(a[1], req.at(data), static_cast<uint64_t>(ret))) return -EFAULT;
  return ret;
}

// write(fd, buf, count) / pwrite64(fd, buf, count, offset)
int64_t write_like(const char* call, uint64_t op, const uint64_t a[6], bool positioned) {
  if (direct_io()) {
    if (!user_range(a[1], a[2])) return -EFAULT;
    return direct_call(call, op, fd_arg(a[0]), a[1], a[2], positioned ? a[3] : 0, a[2]);
  }
  Request req(call);
  const uint64_t n = clamp(a[2], req.room());
  const uint64_t data = req.reserve(n);
  if (n != 0 && !copy_from_user(req.at(data), a[1], n)) return -EFAULT;
  const int64_t ret = req.call(op, fd_arg(a[0]), data, n, positioned ? a[3] : 0);
  require(call, sp::check_length(ret, n));
  return ret;
}

// A v-form with direct I/O: the program's iovec array goes to the host as it
// is; the reply is checked against the total the iovecs ask for.
int64_t direct_vector(const char* call, uint64_t op, const uint64_t a[6], bool positioned,
                      int64_t count, const IovList& iov) {
  if (!iov.in_user_half()) return -EFAULT;
  return direct_call(call, op, fd_arg(a[0]), a[1], static_cast<uint64_t>(count),
                     positioned ? a[3] : 0, iov.total());
}

// readv(fd, iov, iovcnt) / preadv(fd, iov, iovcnt, pos_l, pos_h): one read
// of the total (at most the data area), scattered over the iovecs. On x86-64
// pos_l is the whole offset.
int64_t readv_like(const char* call, const uint64_t a[6], bool positioned) {
  const int64_t count = static_cast<int32_t>(a[2]);
  IovList iov;
  if (int64_t r = iov.load(a[1], count); r < 0) return r;
  if (direct_io()) {
    return direct_vector(call, positioned ? __NR_preadv : __NR_readv, a, positioned, count, iov);
  }
  Request req(call);
  const uint64_t n = clamp(iov.total(), req.room());
  const uint64_t data = req.reserve(n);
  const uint64_t op = positioned ? __NR_pread64 : __NR_read;
  const int64_t ret = req.call(op, fd_arg(a[0]), data, n, positioned ? a[3] : 0);
  require(call, sp::check_length(ret, n));
  if (ret <= 0) return ret;
  return iov.scatter(req.at(data), static_cast<uint64_t>(ret));
}

// writev(fd, iov, iovcnt) / pwritev(fd, iov, iovcnt, pos_l, pos_h): the
// iovecs gathered into one write.
int64_t writev_like(const char* call, const uint64_t a[6], bool positioned) {
  const int64_t count = static_cast<int32_t>(a[2]);
  IovList iov;
  if (int64_t r = iov.load(a[1], count); r < 0) return r;
  if (direct_io()) {
    return direct_vector(call, positioned ? __NR_pwritev : __NR_writev, a, positioned, count, iov);
  }
  Request req(call);
  const uint64_t limit = clamp(iov.total(), req.room());
  const uint64_t data = req.reserve(limit);
  const int64_t n = iov.gather(req.at(data), limit);
  if (n < 0) return n;
  const uint64_t op = positioned ? __NR_pwrite64 : __NR_write;
  const int64_t ret =
      req.call(op, fd_arg(a[0]), data, static_cast<uint64_t>(n), positioned ? a[3] : 0);
  require(call, sp::check_length(ret, static_cast<uint64_t>(n)));
  return ret;
}

// getdents64(fd, dirp, count)
int64_t getdents64(const uint64_t a[6]) {
  Request req("getdents64");
  const uint64_t n = clamp(int_arg(a[2]), kDirentBounce);
  const uint64_t data = req.reserve(n);
  const int64_t ret = req.call(__NR_getdents64, fd_arg(a[0]), data, n);
  require("getdents64", sp::check_length(ret, n));
  if (ret <= 0) return ret;
  req.take(g_dirents, data, static_cast<uint64_t>(ret));
  require("getdents64", sp::check_dirents(g_dirents, static_cast<uint64_t>(ret)));
  if (!copy_to_user(a[1], g_dirents, static_cast<uint64_t>(ret))) return -EFAULT;
  return ret;
}

}  // namespace cloister::shim::proxy
