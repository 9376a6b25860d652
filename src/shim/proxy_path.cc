// SPDX-License-Identifier: Apache-2.0
//
// Path calls through the sallyport. The host confines every path to the
// granted directories again (docs/sallyport.md); the shim copies the
// program's strings and structs into the block and checks what comes back:
// new descriptors against its record, stat buffers field by field.
#include <asm/unistd_64.h>
#include <linux/fcntl.h>

#include "shim/fd_record.h"
#include "shim/proxy_request.h"
#include "shim/user_access.h"

namespace cloister::shim::proxy {
namespace {

// struct open_how (linux/openat2.h): flags, mode, resolve. Later kernels may
// grow it; the host takes exactly this size.
constexpr uint64_t kOpenHowSize = 24;
// Linux refuses an open_how larger than a page with E2BIG.
constexpr uint64_t kOpenHowMax = 4096;

int64_t new_fd(const char* call, int64_t ret) {
  require(call, sp::check_new_fd(ret, fd_record()));
  if (ret >= 0) fd_record_add(static_cast<uint64_t>(ret));
  return ret;
}

// Bytes past struct open_how must be zero, as Linux requires (else E2BIG).
int64_t check_open_how_tail(uint64_t user_how, uint64_t size) {
  uint8_t chunk[64];
  for (uint64_t pos = kOpenHowSize; pos < size; pos += sizeof(chunk)) {
    const uint64_t n = size - pos < sizeof(chunk) ? size - pos : sizeof(chunk);
    if (!copy_from_user(chunk, user_how + pos, n)) return -EFAULT;
    for (uint64_t i = 0; i < n; ++i) {
      if (chunk[i] != 0) return -E2BIG;
    }
  }
  return 0;
}

// A stat buffer at `off` in the reply: checked in shim memory, then copied.
int64_t give_stat(const char* call, const Request& req, uint64_t off, uint64_t user_buf) {
  sp::LinuxStat st;
  req.take(&st, off, sizeof(st));
  require(call, sp::check_stat(st));
  if (!copy_to_user(user_buf, &st, sizeof(st))) return -EFAULT;
  return 0;
}

// The calls that name one path and return 0 or -errno: op(dirfd, path, x).
int64_t path_call(const char* call, uint64_t op, uint64_t dirfd, uint64_t user_path, uint64_t arg) {
  Request req(call);
  uint64_t path = 0;
  if (int64_t r = req.put_path(user_path, &path); r < 0) return r;
  const int64_t ret = req.call(op, dirfd, path, arg);
  require(call, sp::check_zero(ret));
  return ret;
}

// The calls that name two paths: op(olddirfd, old, newdirfd, new, x).
int64_t two_path_call(const char* call, uint64_t op, const uint64_t a[6], uint64_t arg) {
  Request req(call);
  uint64_t from = 0, to = 0;
  if (int64_t r = req.put_path(a[1], &from); r < 0) return r;
  if (int64_t r = req.put_path(a[3], &to); r < 0) return r;
  const int64_t ret = req.call(op, fd_arg(a[0]), from, fd_arg(a[2]), to, arg);
  require(call, sp::check_zero(ret));
  return ret;
}

}  // namespace

// openat(dirfd, path, flags, mode)
int64_t openat(const uint64_t a[6]) {
  Request req("openat");
  uint64_t path = 0;
  if (int64_t r = req.put_path(a[1], &path); r < 0) return r;
  return new_fd("openat", req.call(__NR_openat, fd_arg(a[0]), path, int_arg(a[2]), int_arg(a[3])));
}

// openat2(dirfd, path, how, size): the keep's own RESOLVE_* flags pass
// through; the host adds its confinement on top.
int64_t openat2(const uint64_t a[6]) {
  const uint64_t size = a[3];
  if (size < kOpenHowSize) return -EINVAL;
  if (size > kOpenHowMax) return -E2BIG;
  uint8_t how[kOpenHowSize];
  if (!copy_from_user(how, a[2], kOpenHowSize)) return -EFAULT;
  if (int64_t r = check_open_how_tail(a[2], size); r < 0) return r;
  Request req("openat2");
  uint64_t path = 0;
  if (int64_t r = req.put_path(a[1], &path); r < 0) return r;
  const uint64_t how_off = req.put(how, kOpenHowSize);
  return new_fd("openat2", req.call(__NR_openat2, fd_arg(a[0]), path, how_off, kOpenHowSize));
}

// newfstatat(dirfd, path, statbuf, flags)
int64_t newfstatat(const uint64_t a[6]) {
  Request req("newfstatat");
  uint64_t path = 0;
  if (int64_t r = req.put_path(a[1], &path); r < 0) return r;
  const uint64_t st = req.reserve(sizeof(sp::LinuxStat));
  const int64_t ret = req.call(__NR_newfstatat, fd_arg(a[0]), path, st, int_arg(a[3]));
  require("newfstatat", sp::check_zero(ret));
  if (ret < 0) return ret;
  return give_stat("newfstatat", req, st, a[2]);
}

// fstat(fd, statbuf) is newfstatat(fd, "", statbuf, AT_EMPTY_PATH).
int64_t fstat(const uint64_t a[6]) {
  Request req("fstat");
  const char empty = 0;
  const uint64_t path = req.put(&empty, 1);
  const uint64_t st = req.reserve(sizeof(sp::LinuxStat));
  const int64_t ret = req.call(__NR_newfstatat, fd_arg(a[0]), path, st, AT_EMPTY_PATH);
  require("fstat", sp::check_zero(ret));
  if (ret < 0) return ret;
  return give_stat("fstat", req, st, a[1]);
}

// mkdirat(dirfd, path, mode)
int64_t mkdirat(const uint64_t a[6]) {
  return path_call("mkdirat", __NR_mkdirat, fd_arg(a[0]), a[1], int_arg(a[2]));
}

// unlinkat(dirfd, path, flags)
int64_t unlinkat(const uint64_t a[6]) {
  return path_call("unlinkat", __NR_unlinkat, fd_arg(a[0]), a[1], int_arg(a[2]));
}

// renameat(olddirfd, old, newdirfd, new)
int64_t renameat(const uint64_t a[6]) {
  return two_path_call("renameat", __NR_renameat, a, 0);
}

// linkat(olddirfd, old, newdirfd, new, flags)
int64_t linkat(const uint64_t a[6]) {
  return two_path_call("linkat", __NR_linkat, a, int_arg(a[4]));
}

// symlinkat(target, newdirfd, linkpath): the target is only text.
int64_t symlinkat(const uint64_t a[6]) {
  Request req("symlinkat");
  uint64_t target = 0, link = 0;
  if (int64_t r = req.put_path(a[0], &target); r < 0) return r;
  if (int64_t r = req.put_path(a[2], &link); r < 0) return r;
  const int64_t ret = req.call(__NR_symlinkat, target, fd_arg(a[1]), link);
  require("symlinkat", sp::check_zero(ret));
  return ret;
}

// readlinkat(dirfd, path, buf, bufsiz)
int64_t readlinkat(const uint64_t a[6]) {
  const int64_t bufsiz = static_cast<int32_t>(a[3]);
  if (bufsiz <= 0) return -EINVAL;
  Request req("readlinkat");
  uint64_t path = 0;
  if (int64_t r = req.put_path(a[1], &path); r < 0) return r;
  const uint64_t room = req.room();
  const uint64_t n = static_cast<uint64_t>(bufsiz) < room ? static_cast<uint64_t>(bufsiz) : room;
  const uint64_t buf = req.reserve(n);
  const int64_t ret = req.call(__NR_readlinkat, fd_arg(a[0]), path, buf, n);
  require("readlinkat", sp::check_length(ret, n));
  if (ret > 0 && !copy_to_user(a[2], req.at(buf), static_cast<uint64_t>(ret))) return -EFAULT;
  return ret;
}

// utimensat(dirfd, path or NULL, times[2] or NULL, flags)
int64_t utimensat(const uint64_t a[6]) {
  Request req("utimensat");
  uint64_t path = sp::kNull;
  if (a[1] != 0) {
    if (int64_t r = req.put_path(a[1], &path); r < 0) return r;
  }
  uint64_t times = sp::kNull;
  if (a[2] != 0) {
    sp::LinuxTimespec ts[2];
    if (!copy_from_user(ts, a[2], sizeof(ts))) return -EFAULT;
    times = req.put(ts, sizeof(ts));
  }
  const int64_t ret = req.call(__NR_utimensat, fd_arg(a[0]), path, times, int_arg(a[3]));
  require("utimensat", sp::check_zero(ret));
  return ret;
}

}  // namespace cloister::shim::proxy
