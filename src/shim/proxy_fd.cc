// SPDX-License-Identifier: Apache-2.0
//
// Descriptor calls through the sallyport: close, lseek, ioctl(FIONREAD),
// fcntl, dup, fsync/fdatasync, ftruncate, fallocate. New descriptors (dup,
// F_DUPFD*) are checked against and added to the shim's own record.
#include <asm-generic/ioctls.h>
#include <asm/unistd_64.h>
#include <linux/fcntl.h>

#include "shim/fd_record.h"
#include "shim/proxy_request.h"
#include "shim/user_access.h"

namespace cloister::shim::proxy {
namespace {

// fcntl(fd, F_DUPFD[_CLOEXEC], lowest)
int64_t dup_from(const char* call, uint64_t fd, uint64_t cmd, uint64_t lowest) {
  // Linux: a lowest number past the descriptor limit is EINVAL.
  if (lowest >= sp::kMaxFds) return -EINVAL;
  Request req(call);
  const int64_t ret = req.call(__NR_fcntl, fd, cmd, lowest);
  require(call, sp::check_new_fd(ret, fd_record(), lowest));
  if (ret >= 0) fd_record_add(static_cast<uint64_t>(ret));
  return ret;
}

}  // namespace

// close(fd): Linux releases the number whatever close reports (EINTR and EIO
// included), so the record forgets it too.
int64_t close(const uint64_t a[6]) {
  const uint64_t fd = fd_arg(a[0]);
  Request req("close");
  const int64_t ret = req.call(__NR_close, fd);
  require("close", sp::check_zero(ret));
  fd_record_remove(fd);
  return ret;
}

// lseek(fd, offset, whence): the new offset (>= 0) or -errno; check_errno in
// Request::call already rejects any other negative value.
int64_t lseek(const uint64_t a[6]) {
  Request req("lseek");
  return req.call(__NR_lseek, fd_arg(a[0]), a[1], int_arg(a[2]));
}

// ioctl(fd, FIONREAD, int*): the only request the host runs. Anything else
// (glibc's isatty TCGETS, say) gets Linux's answer for a non-terminal.
int64_t ioctl(const uint64_t a[6]) {
  if (int_arg(a[1]) != FIONREAD) return -ENOTTY;
  Request req("ioctl");
  const uint64_t value = req.reserve(sizeof(int32_t));
  const int64_t ret = req.call(__NR_ioctl, fd_arg(a[0]), FIONREAD, value);
  require("ioctl", sp::check_zero(ret));
  if (ret < 0) return ret;
  int32_t n = 0;
  req.take(&n, value, sizeof(n));
  require("ioctl", sp::check_nread(n));
  if (!copy_to_user(a[2], &n, sizeof(n))) return -EFAULT;
  return 0;
}

// fcntl(fd, cmd, arg) for the commands the host allows.
int64_t fcntl(const uint64_t a[6]) {
  const uint64_t fd = fd_arg(a[0]);
  const uint64_t cmd = int_arg(a[1]);
  switch (cmd) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC:
      return dup_from("fcntl", fd, cmd, int_arg(a[2]));
    case F_GETFD: {
      Request req("fcntl");
      const int64_t ret = req.call(__NR_fcntl, fd, cmd);
      require("fcntl", sp::check_fd_flags(ret));
      return ret;
    }
    case F_GETFL: {
      Request req("fcntl");
      const int64_t ret = req.call(__NR_fcntl, fd, cmd);
      require("fcntl", sp::check_file_flags(ret));
      return ret;
    }
    case F_SETFD:
    case F_SETFL: {
      Request req("fcntl");
      const int64_t ret = req.call(__NR_fcntl, fd, cmd, int_arg(a[2]));
      require("fcntl", sp::check_zero(ret));
      return ret;
    }
    default:
      return -EINVAL;
  }
}

// dup(fd) is fcntl(fd, F_DUPFD, 0).
int64_t dup(const uint64_t a[6]) {
  return dup_from("dup", fd_arg(a[0]), F_DUPFD, 0);
}

// fsync(fd) / fdatasync(fd)
int64_t fd_only(const char* call, uint64_t op, const uint64_t a[6]) {
  Request req(call);
  const int64_t ret = req.call(op, fd_arg(a[0]));
  require(call, sp::check_zero(ret));
  return ret;
}

// ftruncate(fd, length)
int64_t ftruncate(const uint64_t a[6]) {
  Request req("ftruncate");
  const int64_t ret = req.call(__NR_ftruncate, fd_arg(a[0]), a[1]);
  require("ftruncate", sp::check_zero(ret));
  return ret;
}

// fallocate(fd, mode, offset, len)
int64_t fallocate(const uint64_t a[6]) {
  Request req("fallocate");
  const int64_t ret = req.call(__NR_fallocate, fd_arg(a[0]), int_arg(a[1]), a[2], a[3]);
  require("fallocate", sp::check_zero(ret));
  return ret;
}

}  // namespace cloister::shim::proxy
