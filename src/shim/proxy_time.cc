// SPDX-License-Identifier: Apache-2.0
//
// Clocks, sleeping and polling through the sallyport. The shim has no clock
// the host cannot influence on plain KVM, so it asks, and checks that every
// time it hands on is a valid timespec. poll and nanosleep become ppoll and
// clock_nanosleep.
#include <asm/unistd_64.h>

#include "shim/proxy_request.h"
#include "shim/user_access.h"

namespace cloister::shim::proxy {
namespace {

constexpr uint64_t kClockMonotonic = 1;
constexpr uint64_t kTimerAbstime = 1;

// The host allows at most this many entries per ppoll (docs/sallyport.md).
constexpr uint64_t kMaxPollFds = 256;

// What the shim sent and what came back, compared in shim memory.
sp::LinuxPollFd g_poll_sent[kMaxPollFds];
sp::LinuxPollFd g_poll_got[kMaxPollFds];

// ppoll with the program's pollfds and a timeout already in shim memory
// (nullptr = wait for ever). The signal mask is not sent: the keep never
// receives signals.
int64_t poll_with(const char* call, uint64_t user_fds, uint64_t nfds,
                  const sp::LinuxTimespec* timeout) {
  if (nfds > kMaxPollFds) return -EINVAL;
  const uint64_t bytes = nfds * sizeof(sp::LinuxPollFd);
  if (bytes != 0 && !copy_from_user(g_poll_sent, user_fds, bytes)) return -EFAULT;
  for (uint64_t i = 0; i < nfds; ++i) g_poll_sent[i].revents = 0;
  Request req(call);
  const uint64_t fds = req.put(g_poll_sent, bytes);
  const uint64_t tmo = timeout != nullptr ? req.put(timeout, sizeof(*timeout)) : sp::kNull;
  const int64_t ret = req.call(__NR_ppoll, fds, nfds, tmo, sp::kNull, 0);
  if (ret < 0) return ret;
  req.take(g_poll_got, fds, bytes);
  require(call, sp::check_poll(ret, g_poll_sent, g_poll_got, nfds));
  if (bytes != 0 && !copy_to_user(user_fds, g_poll_got, bytes)) return -EFAULT;
  return ret;
}

}  // namespace

// clock_gettime(clock, ts) / clock_getres(clock, res); res may be NULL.
int64_t clock_gettime(const char* call, uint64_t op, const uint64_t a[6]) {
  const bool optional = op == __NR_clock_getres;
  if (a[1] == 0 && !optional) return -EFAULT;
  Request req(call);
  const uint64_t ts = a[1] != 0 ? req.reserve(sizeof(sp::LinuxTimespec)) : sp::kNull;
  const int64_t ret = req.call(op, int_arg(a[0]), ts);
  require(call, sp::check_zero(ret));
  if (ret < 0 || a[1] == 0) return ret;
  sp::LinuxTimespec value;
  req.take(&value, ts, sizeof(value));
  require(call, sp::check_timespec(value));
  if (!copy_to_user(a[1], &value, sizeof(value))) return -EFAULT;
  return 0;
}

// clock_nanosleep(clock, flags, req, rem): `rem` is only written when a
// relative sleep was interrupted, as in Linux.
int64_t clock_nanosleep(const uint64_t a[6]) {
  sp::LinuxTimespec want;
  if (!copy_from_user(&want, a[2], sizeof(want))) return -EFAULT;
  const uint64_t flags = int_arg(a[1]);
  Request req("clock_nanosleep");
  const uint64_t want_off = req.put(&want, sizeof(want));
  const uint64_t rem = a[3] != 0 ? req.reserve(sizeof(sp::LinuxTimespec)) : sp::kNull;
  const int64_t ret = req.call(__NR_clock_nanosleep, int_arg(a[0]), flags, want_off, rem);
  require("clock_nanosleep", sp::check_zero(ret));
  if (ret == -EINTR && a[3] != 0 && (flags & kTimerAbstime) == 0) {
    sp::LinuxTimespec left;
    req.take(&left, rem, sizeof(left));
    require("clock_nanosleep", sp::check_remaining(left, want));
    if (!copy_to_user(a[3], &left, sizeof(left))) return -EFAULT;
  }
  return ret;
}

// nanosleep(req, rem) is a relative clock_nanosleep on CLOCK_MONOTONIC.
int64_t nanosleep(const uint64_t a[6]) {
  const uint64_t args[6] = {kClockMonotonic, 0, a[0], a[1], 0, 0};
  return clock_nanosleep(args);
}

// ppoll(fds, nfds, timeout, sigmask, sigsetsize)
int64_t ppoll(const uint64_t a[6]) {
  sp::LinuxTimespec timeout;
  if (a[2] != 0 && !copy_from_user(&timeout, a[2], sizeof(timeout))) return -EFAULT;
  return poll_with("ppoll", a[0], int_arg(a[1]), a[2] != 0 ? &timeout : nullptr);
}

// poll(fds, nfds, timeout_ms): a negative timeout waits for ever.
int64_t poll(const uint64_t a[6]) {
  const int64_t ms = static_cast<int32_t>(a[2]);
  if (ms < 0) return poll_with("poll", a[0], int_arg(a[1]), nullptr);
  const sp::LinuxTimespec timeout{ms / 1000, (ms % 1000) * 1'000'000};
  return poll_with("poll", a[0], int_arg(a[1]), &timeout);
}

}  // namespace cloister::shim::proxy
