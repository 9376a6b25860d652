// SPDX-License-Identifier: Apache-2.0
//
// The shim's sallyport client: which syscalls go to the host, the dispatch to
// the per-family marshalling (proxy_*.cc), and the request plumbing they
// share (proxy_request.h).
#include "shim/proxy.h"

#include <asm/unistd_64.h>

#include "shim/fd_record.h"
#include "shim/layout.h"
#include "shim/proxy_request.h"
#include "shim/user_access.h"

namespace cloister::shim {
namespace proxy {

int64_t Request::put_path(uint64_t user_path, uint64_t* out_off) {
  const uint64_t off = reserve(kPathMax);
  const int64_t len = copy_string_from_user(reinterpret_cast<char*>(at(off)), user_path, kPathMax);
  if (len < 0) return len;
  // Give back what the path did not use, so buffers after it get the room.
  next_ = off + ((static_cast<uint64_t>(len) + 1 + 7) & ~uint64_t{7});
  *out_off = off;
  return 0;
}

int64_t Request::call(uint64_t op, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                      uint64_t a5) {
  sp::Header* h = block_header();
  h->op = op;
  h->arg[0] = a0;
  h->arg[1] = a1;
  h->arg[2] = a2;
  h->arg[3] = a3;
  h->arg[4] = a4;
  h->arg[5] = a5;
  h->ret = -ENOSYS;
  host_call();
  // Read once: every later decision uses this copy, whatever the block says.
  const int64_t ret = *static_cast<volatile int64_t*>(&h->ret);
  require(call_, sp::check_errno(ret));
  return ret;
}

// Entries read from the program at a time when the list is long.
constexpr int64_t kIovBatch = 16;

template <typename Fn>
int64_t IovList::each(Fn fn) const {
  if (count_ <= kKept) {
    for (int64_t i = 0; i < count_; ++i) {
      if (!fn(kept_[i].base, kept_[i].len)) return 0;
    }
    return 0;
  }
  Iovec batch[kIovBatch];
  for (int64_t i = 0; i < count_; i += kIovBatch) {
    const int64_t n = count_ - i < kIovBatch ? count_ - i : kIovBatch;
    if (!copy_from_user(batch, user_ + static_cast<uint64_t>(i) * sizeof(Iovec),
                        static_cast<uint64_t>(n) * sizeof(Iovec))) {
      return -EFAULT;
    }
    for (int64_t j = 0; j < n; ++j) {
      if (!fn(batch[j].base, batch[j].len)) return 0;
    }
  }
  return 0;
}

int64_t IovList::load(uint64_t user_iov, int64_t count) {
  if (count < 0 || count > kMaxIov) return -EINVAL;
  user_ = user_iov;
  count_ = count;
  total_ = 0;
  if (count <= kKept &&
      !copy_from_user(kept_, user_iov, static_cast<uint64_t>(count) * sizeof(Iovec))) {
    return -EFAULT;
  }
  bool too_long = false;
  const int64_t r = each([&](uint64_t, uint64_t len) {
    // Linux: a length that is negative as ssize_t, or a total past
    // SSIZE_MAX, is EINVAL.
    if (static_cast<int64_t>(len) < 0 || len > uint64_t{INT64_MAX} - total_) {
      too_long = true;
      return false;
    }
    total_ += len;
    return true;
  });
  if (r < 0) return r;
  if (too_long) return -EINVAL;
  return 0;
}

bool IovList::in_user_half() const {
  bool ok = true;
  const int64_t r = each([&](uint64_t base, uint64_t len) {
    ok = base <= kUserTop && len <= kUserTop - base;
    return ok;
  });
  return r == 0 && ok;
}

int64_t IovList::gather(uint8_t* dst, uint64_t limit) const {
  uint64_t done = 0;
  bool faulted = false;
  if (limit == 0) return 0;
  const int64_t r = each([&](uint64_t base, uint64_t len) {
    const uint64_t n = len < limit - done ? len : limit - done;
    if (n != 0 && !copy_from_user(dst + done, base, n)) {
      faulted = true;
      return false;
    }
    done += n;
    return done < limit;
  });
  if ((r < 0 || faulted) && done == 0) return -EFAULT;
  return static_cast<int64_t>(done);
}

int64_t IovList::scatter(const uint8_t* src, uint64_t n) const {
  uint64_t done = 0;
  bool faulted = false;
  if (n == 0) return 0;
  const int64_t r = each([&](uint64_t base, uint64_t len) {
    const uint64_t m = len < n - done ? len : n - done;
    if (m != 0 && !copy_to_user(base, src + done, m)) {
      faulted = true;
      return false;
    }
    done += m;
    return done < n;
  });
  if ((r < 0 || faulted) && done == 0) return -EFAULT;
  return static_cast<int64_t>(done);
}

}  // namespace proxy

void proxy_init(uint64_t open_fds) {
  fd_record_init(open_fds);
}

bool is_proxied(uint64_t nr) {
  switch (nr) {
    case __NR_read:
    case __NR_write:
    case __NR_pread64:
    case __NR_pwrite64:
    case __NR_readv:
    case __NR_writev:
    case __NR_preadv:
    case __NR_pwritev:
    case __NR_getdents64:
    case __NR_close:
    case __NR_lseek:
    case __NR_ioctl:
    case __NR_fcntl:
    case __NR_dup:
    case __NR_fsync:
    case __NR_fdatasync:
    case __NR_ftruncate:
    case __NR_fallocate:
    case __NR_openat:
    case __NR_openat2:
    case __NR_newfstatat:
    case __NR_fstat:
    case __NR_mkdirat:
    case __NR_unlinkat:
    case __NR_renameat:
    case __NR_linkat:
    case __NR_symlinkat:
    case __NR_readlinkat:
    case __NR_utimensat:
    case __NR_accept:
    case __NR_accept4:
    case __NR_recvfrom:
    case __NR_sendto:
    case __NR_recvmsg:
    case __NR_sendmsg:
    case __NR_shutdown:
    case __NR_getsockopt:
    case __NR_setsockopt:
    case __NR_getsockname:
    case __NR_getpeername:
    case __NR_socket:
    case __NR_bind:
    case __NR_listen:
    case __NR_connect:
    case __NR_clock_gettime:
    case __NR_clock_getres:
    case __NR_clock_nanosleep:
    case __NR_nanosleep:
    case __NR_ppoll:
    case __NR_poll:
      return true;
    default:
      return false;
  }
}

int64_t proxy_syscall(uint64_t nr, const uint64_t a[6]) {
  using namespace proxy;
  switch (nr) {
    case __NR_read:
      return read_like("read", __NR_read, a, false);
    case __NR_pread64:
      return read_like("pread64", __NR_pread64, a, true);
    case __NR_write:
      return write_like("write", __NR_write, a, false);
    case __NR_pwrite64:
      return write_like("pwrite64", __NR_pwrite64, a, true);
    case __NR_readv:
      return readv_like("readv", a, false);
    case __NR_preadv:
      return readv_like("preadv", a, true);
    case __NR_writev:
      return writev_like("writev", a, false);
    case __NR_pwritev:
      return writev_like("pwritev", a, true);
    case __NR_getdents64:
      return getdents64(a);

    case __NR_close:
      return close(a);
    case __NR_lseek:
      return lseek(a);
    case __NR_ioctl:
      return ioctl(a);
    case __NR_fcntl:
      return fcntl(a);
    case __NR_dup:
      return dup(a);
    case __NR_fsync:
      return fd_only("fsync", __NR_fsync, a);
    case __NR_fdatasync:
      return fd_only("fdatasync", __NR_fdatasync, a);
    case __NR_ftruncate:
      return ftruncate(a);
    case __NR_fallocate:
      return fallocate(a);

    case __NR_openat:
      return openat(a);
    case __NR_openat2:
      return openat2(a);
    case __NR_newfstatat:
      return newfstatat(a);
    case __NR_fstat:
      return fstat(a);
    case __NR_mkdirat:
      return mkdirat(a);
    case __NR_unlinkat:
      return unlinkat(a);
    case __NR_renameat:
      return renameat(a);
    case __NR_linkat:
      return linkat(a);
    case __NR_symlinkat:
      return symlinkat(a);
    case __NR_readlinkat:
      return readlinkat(a);
    case __NR_utimensat:
      return utimensat(a);

    case __NR_accept:
      return accept4(a, false);
    case __NR_accept4:
      return accept4(a, true);
    case __NR_recvfrom:
      return recvfrom(a);
    case __NR_sendto:
      return sendto(a);
    case __NR_recvmsg:
      return recvmsg(a);
    case __NR_sendmsg:
      return sendmsg(a);
    case __NR_shutdown:
      return shutdown(a);
    case __NR_getsockopt:
      return getsockopt(a);
    case __NR_setsockopt:
      return setsockopt(a);
    case __NR_getsockname:
      return sockname("getsockname", __NR_getsockname, a);
    case __NR_getpeername:
      return sockname("getpeername", __NR_getpeername, a);
    // Every socket a keep has was opened by the host because Cloister.toml
    // granted it; the keep makes no sockets of its own (docs/sallyport.md).
    case __NR_socket:
    case __NR_bind:
    case __NR_listen:
    case __NR_connect:
      return -EACCES;

    case __NR_clock_gettime:
      return clock_gettime("clock_gettime", __NR_clock_gettime, a);
    case __NR_clock_getres:
      return clock_gettime("clock_getres", __NR_clock_getres, a);
    case __NR_clock_nanosleep:
      return clock_nanosleep(a);
    case __NR_nanosleep:
      return nanosleep(a);
    case __NR_ppoll:
      return ppoll(a);
    case __NR_poll:
      return poll(a);
    default:
      return -ENOSYS;
  }
}

}  // namespace cloister::shim
