// SPDX-License-Identifier: Apache-2.0
//
// fcntl: duplicating guest descriptors (new numbers in the guest's table,
// new host descriptors behind them), the guest's FD_CLOEXEC bit, and the
// status flags O_APPEND and O_NONBLOCK.
#include <fcntl.h>

#include "host/sallyport/calls.h"

namespace cloister::host::sallyport {
namespace {

int64_t dup_fd(Call& c, int fd, bool cloexec) {
  const uint64_t min = c.arg[2];
  // Linux: EINVAL when the minimum is past the descriptor limit.
  if (min >= kMaxFds) return -EINVAL;
  if (!c.fds.has_free(min)) return -EMFILE;
  UniqueFd dup(::fcntl(fd, F_DUPFD_CLOEXEC, 0));
  if (!dup) return neg_errno();
  return c.fds.add(std::move(dup), cloexec, c.fds.read_only(c.arg[0]), min);
}

int64_t set_status_flags(int fd, uint64_t arg) {
  const int current = ::fcntl(fd, F_GETFL);
  if (current < 0) return neg_errno();
  const auto wanted = static_cast<int>(arg);
  if (static_cast<uint64_t>(static_cast<unsigned>(wanted)) != arg) return -EINVAL;
  // Only O_APPEND and O_NONBLOCK change. The access mode and creation flags
  // are ignored as Linux ignores them (a guest may pass F_GETFL's result
  // back), but asking to change another status flag (O_ASYNC, O_DIRECT,
  // O_NOATIME) is refused.
  constexpr int kChangeable = O_APPEND | O_NONBLOCK;
  constexpr int kRefused = O_ASYNC | O_DIRECT | O_NOATIME;
  if (((wanted ^ current) & kRefused) != 0) return -EINVAL;
  const int next = (current & ~kChangeable) | (wanted & kChangeable);
  return reply_of(::fcntl(fd, F_SETFL, next));
}

}  // namespace

int64_t sys_fcntl(Call& c) {
  const int fd = c.fds.host(c.arg[0]);
  if (fd < 0) return -EBADF;
  switch (c.arg[1]) {
    case F_DUPFD:
      return dup_fd(c, fd, false);
    case F_DUPFD_CLOEXEC:
      return dup_fd(c, fd, true);
    case F_GETFD:
      return c.fds.cloexec(c.arg[0]) ? FD_CLOEXEC : 0;
    case F_SETFD:
      if ((c.arg[2] & ~uint64_t{FD_CLOEXEC}) != 0) return -EINVAL;
      c.fds.set_cloexec(c.arg[0], c.arg[2] == FD_CLOEXEC);
      return 0;
    case F_GETFL:
      return reply_of(::fcntl(fd, F_GETFL));
    case F_SETFL:
      return set_status_flags(fd, c.arg[2]);
    default:
      return -EINVAL;
  }
}

}  // namespace cloister::host::sallyport
