// SPDX-License-Identifier: Apache-2.0
//
// Clocks, sleeping and waiting on descriptors. The keep's notion of time
// comes from the host here (it is not a secret; the shim checks the values
// are well-formed).
#include <poll.h>
#include <signal.h>
#include <time.h>

#include "host/sallyport/calls.h"

namespace cloister::host::sallyport {
namespace {

// The most pollfds a ppoll carries (the doc's limit; 2 KiB on the stack).
constexpr uint64_t kMaxPollFds = 256;

bool allowed_clock(uint64_t clock) {
  switch (clock) {
    case CLOCK_REALTIME:
    case CLOCK_MONOTONIC:
    case CLOCK_PROCESS_CPUTIME_ID:
    case CLOCK_THREAD_CPUTIME_ID:
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_REALTIME_COARSE:
    case CLOCK_MONOTONIC_COARSE:
    case CLOCK_BOOTTIME:
      return true;
    default:
      return false;
  }
}

}  // namespace

int64_t sys_clock_gettime(Call& c) {
  if (!allowed_clock(c.arg[0])) return -EINVAL;
  if (!Block::in_data(c.arg[1], sizeof(timespec))) return -EFAULT;
  timespec ts{};
  if (::clock_gettime(static_cast<clockid_t>(c.arg[0]), &ts) != 0) return neg_errno();
  c.block.copy_out(c.arg[1], &ts, sizeof(ts));
  return 0;
}

int64_t sys_clock_getres(Call& c) {
  if (!allowed_clock(c.arg[0])) return -EINVAL;
  // As Linux, a null result pointer only checks the clock.
  if (c.arg[1] != kNull && !Block::in_data(c.arg[1], sizeof(timespec))) return -EFAULT;
  timespec ts{};
  if (::clock_getres(static_cast<clockid_t>(c.arg[0]), &ts) != 0) return neg_errno();
  if (c.arg[1] != kNull) c.block.copy_out(c.arg[1], &ts, sizeof(ts));
  return 0;
}

// The clocks a keep may sleep on: wall and monotonic time. Sleeping on a
// CPU-time clock would measure the VMM's CPU time, which does not advance
// while its vCPU thread sleeps: the keep would hang.
bool sleep_clock(uint64_t clock) {
  return clock == CLOCK_REALTIME || clock == CLOCK_MONOTONIC || clock == CLOCK_BOOTTIME;
}

int64_t sys_clock_nanosleep(Call& c) {
  if (!sleep_clock(c.arg[0])) return -EINVAL;
  if (c.arg[1] != 0 && c.arg[1] != TIMER_ABSTIME) return -EINVAL;
  timespec req;
  if (!c.block.copy_in(c.arg[2], &req, sizeof(req))) return -EFAULT;
  const bool want_rem = c.arg[3] != kNull;
  if (want_rem && !Block::in_data(c.arg[3], sizeof(timespec))) return -EFAULT;
  timespec rem{};
  // clock_nanosleep returns the error number itself (the kernel rejects a
  // malformed req with EINVAL and clocks it cannot sleep on with ENOTSUP).
  const int e = ::clock_nanosleep(static_cast<clockid_t>(c.arg[0]), static_cast<int>(c.arg[1]),
                                  &req, want_rem ? &rem : nullptr);
  if (e == EINTR && want_rem && c.arg[1] == 0) c.block.copy_out(c.arg[3], &rem, sizeof(rem));
  return -static_cast<int64_t>(e);
}

int64_t sys_ppoll(Call& c) {
  const uint64_t nfds = c.arg[1];
  if (nfds > kMaxPollFds) return -EINVAL;
  // No signal mask: the keep has no signals.
  if (c.arg[3] != kNull) return -EINVAL;
  timespec timeout;
  const bool has_timeout = c.arg[2] != kNull;
  if (has_timeout && !c.block.copy_in(c.arg[2], &timeout, sizeof(timeout))) return -EFAULT;
  // Copied out once: the guest's array (fd, events) is what is written
  // back, with only revents filled in.
  pollfd guest[kMaxPollFds];
  pollfd host[kMaxPollFds];
  if (nfds > 0 && !c.block.copy_in(c.arg[0], guest, nfds * sizeof(pollfd))) return -EFAULT;
  int64_t invalid = 0;
  for (uint64_t i = 0; i < nfds; ++i) {
    host[i].events = guest[i].events;
    host[i].revents = 0;
    if (guest[i].fd < 0) {
      host[i].fd = -1;  // ignored, as Linux does
      continue;
    }
    host[i].fd = c.fds.host(static_cast<uint64_t>(guest[i].fd));
    // A number not in the table is what Linux reports for a closed one,
    // POLLNVAL, and it ends the wait at once.
    if (host[i].fd < 0) ++invalid;
  }
  timespec zero{};
  const timespec* wait = invalid > 0 ? &zero : (has_timeout ? &timeout : nullptr);
  const int r = ::ppoll(host, nfds, wait, nullptr);
  if (r < 0) return neg_errno();
  for (uint64_t i = 0; i < nfds; ++i) {
    const bool nval = guest[i].fd >= 0 && host[i].fd < 0;
    guest[i].revents = nval ? POLLNVAL : host[i].revents;
  }
  if (nfds > 0) c.block.copy_out(c.arg[0], guest, nfds * sizeof(pollfd));
  return r + invalid;
}

}  // namespace cloister::host::sallyport
