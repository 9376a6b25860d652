// SPDX-License-Identifier: Apache-2.0
//
// poll_oneoff: waits until the earliest clock subscription expires or any
// subscribed descriptor is ready, with one ppoll(2) on the host descriptors
// (no descriptors: a plain sleep). Subscriptions are read in two passes
// straight from guest memory (the second pass writes the events), so the host
// keeps one pollfd per distinct descriptor, never a copy of a possibly huge
// subscription array.
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "wasi/call.h"
#include "wasi/host_conv.h"
#include "wasi/wasi_clocks.h"

namespace cloister::wasi {
namespace {

constexpr uint64_t kNever = UINT64_MAX;

uint64_t saturating_add(uint64_t a, uint64_t b) {
  return b > kNever - a ? kNever : a + b;
}

// The two clock readings every deadline is computed from, taken once per call
// so that both passes compute identical deadlines.
struct PollStart {
  uint64_t monotonic;
  uint64_t realtime;
};

// A clock subscription's deadline on CLOCK_MONOTONIC. Relative timeouts count
// from the start of the call whatever the clock; an absolute realtime time is
// converted with the realtime clock read at the start. CPU-time clocks are
// refused like an unknown id (Inval, as wasmtime does): the process uses no
// CPU while it waits, so such a deadline would never come.
ErrnoOr<uint64_t> clock_deadline(uint32_t id, uint64_t timeout, uint16_t flags,
                                 const PollStart& start) {
  if ((flags & ~kSubclockAbstime) != 0) return Errno::Inval;
  const bool absolute = (flags & kSubclockAbstime) != 0;
  switch (id) {
    case kClockMonotonic:
      return absolute ? timeout : saturating_add(start.monotonic, timeout);
    case kClockRealtime:
      if (!absolute) return saturating_add(start.monotonic, timeout);
      return timeout <= start.realtime ? start.monotonic
                                       : saturating_add(start.monotonic, timeout - start.realtime);
    default:
      return Errno::Inval;
  }
}

// The descriptor an fd_read/fd_write subscription waits on, with the rights
// that reading or writing and polling need.
ErrnoOr<FdEntry*> poll_target(FdTable& fds, uint32_t fd, uint8_t tag) {
  const uint64_t io_right = tag == kEventFdRead ? rights::kFdRead : rights::kFdWrite;
  return fds.get(fd, rights::kPollFdReadwrite | io_right);
}

// Bytes that can be read without blocking, for a read event: what is left
// after the file position for a regular file, FIONREAD for pipes, sockets and
// terminals. Where neither answers (character devices), 1: readiness means a
// read returns at least one byte or end-of-file without blocking.
uint64_t readable_bytes(const FdEntry& e) {
  const int fd = e.host.get();
  if (e.type == Filetype::RegularFile) {
    struct stat st {};
    const off_t pos = ::lseek(fd, 0, SEEK_CUR);
    if (::fstat(fd, &st) == 0 && pos >= 0 && st.st_size > pos) {
      return static_cast<uint64_t>(st.st_size - pos);
    }
    return 0;
  }
  int n = 0;
  if (::ioctl(fd, FIONREAD, &n) == 0 && n >= 0) return static_cast<uint64_t>(n);
  return 1;
}

struct Subscription {
  uint64_t userdata;
  uint8_t tag;
  uint32_t clock_id;  // clock subscriptions
  uint64_t timeout;
  uint16_t clock_flags;
  uint32_t fd;  // fd_read / fd_write subscriptions
};

// Reads subscription `i`; `in` was bounds-checked for the whole array.
ErrnoOr<Subscription> read_subscription(GuestMemory& mem, uint32_t in, uint32_t i) {
  const uint32_t base = in + i * layout::kSubscriptionSize;
  Subscription s{};
  WASI_TRY_ASSIGN(s.userdata, mem.load<uint64_t>(base + layout::kSubUserdata));
  WASI_TRY_ASSIGN(s.tag, mem.load<uint8_t>(base + layout::kSubTag));
  switch (s.tag) {
    case kEventClock: {
      WASI_TRY_ASSIGN(s.clock_id, mem.load<uint32_t>(base + layout::kSubClockId));
      WASI_TRY_ASSIGN(s.timeout, mem.load<uint64_t>(base + layout::kSubClockTimeout));
      WASI_TRY_ASSIGN(s.clock_flags, mem.load<uint16_t>(base + layout::kSubClockFlags));
      return s;
    }
    case kEventFdRead:
    case kEventFdWrite: {
      WASI_TRY_ASSIGN(s.fd, mem.load<uint32_t>(base + layout::kSubFdReadwriteFd));
      return s;
    }
    default:
      return Errno::Inval;
  }
}

short poll_events_for(uint8_t tag) {
  return tag == kEventFdRead ? POLLIN : POLLOUT;
}

// poll_oneoff(in, out, nsubscriptions, *nevents)
wasm::Outcome<Errno> poll_oneoff(WasiCall& c) {
  const uint32_t in = c.u32(0);
  const uint32_t out = c.u32(1);
  const uint32_t nsubs = c.u32(2);
  const uint32_t nevents_ptr = c.u32(3);
  // The spec: no subscriptions is Inval (it would block forever).
  if (nsubs == 0) return Errno::Inval;
  // Every pointer is checked before blocking, so a bad one cannot cost a wait.
  if (!c.mem.in_bounds(in, uint64_t{nsubs} * layout::kSubscriptionSize) ||
      !c.mem.in_bounds(out, uint64_t{nsubs} * layout::kEventSize) ||
      !c.mem.in_bounds(nevents_ptr, 4)) {
    return Errno::Fault;
  }

  PollStart start{};
  WASI_TRY_ASSIGN(start.monotonic, clock_now(CLOCK_MONOTONIC));
  WASI_TRY_ASSIGN(start.realtime, clock_now(CLOCK_REALTIME));

  // Pass 1: validate, find the earliest deadline, collect the host fds.
  uint64_t earliest = kNever;
  bool has_failed_fd = false;  // such a subscription is an event right away
  std::vector<pollfd> pollfds;
  std::unordered_map<int, size_t> pollfd_index;  // host fd -> pollfds index
  for (uint32_t i = 0; i < nsubs; ++i) {
    WASI_TRY_ASSIGN(const Subscription s, read_subscription(c.mem, in, i));
    if (s.tag == kEventClock) {
      WASI_TRY_ASSIGN(const uint64_t deadline,
                      clock_deadline(s.clock_id, s.timeout, s.clock_flags, start));
      if (deadline < earliest) earliest = deadline;
      continue;
    }
    ErrnoOr<FdEntry*> entry = poll_target(c.ctx.fds(), s.fd, s.tag);
    if (!entry.ok()) {
      has_failed_fd = true;
      continue;
    }
    const int host_fd = (*entry)->host.get();
    auto [it, inserted] = pollfd_index.try_emplace(host_fd, pollfds.size());
    if (inserted) pollfds.push_back(pollfd{host_fd, 0, 0});
    pollfds[it->second].events |= poll_events_for(s.tag);
  }

  // Wait. ppoll never returns before its timeout, but a signal (EINTR) can end
  // it early, so the remaining time is recomputed each round.
  uint64_t now = start.monotonic;
  for (;;) {
    struct timespec ts {};
    const struct timespec* timeout = nullptr;  // no clock: wait for a descriptor
    if (has_failed_fd || earliest <= now) {
      timeout = &ts;
    } else if (earliest != kNever) {
      ts = ns_to_timespec(earliest - now);
      timeout = &ts;
    }
    const int r = ::ppoll(pollfds.data(), pollfds.size(), timeout, nullptr);
    if (r < 0 && errno != EINTR) return last_errno();
    WASI_TRY_ASSIGN(now, clock_now(CLOCK_MONOTONIC));
    if (r > 0 || has_failed_fd || earliest <= now) break;
  }

  // Pass 2: one event per subscription that fired, in subscription order.
  uint32_t nevents = 0;
  for (uint32_t i = 0; i < nsubs; ++i) {
    WASI_TRY_ASSIGN(const Subscription s, read_subscription(c.mem, in, i));
    StructWriter<layout::kEventSize> ev;
    ev.put<uint64_t>(layout::kEventUserdata, s.userdata);
    ev.put<uint8_t>(layout::kEventType, s.tag);
    if (s.tag == kEventClock) {
      WASI_TRY_ASSIGN(const uint64_t deadline,
                      clock_deadline(s.clock_id, s.timeout, s.clock_flags, start));
      if (deadline > now) continue;
    } else {
      ErrnoOr<FdEntry*> entry = poll_target(c.ctx.fds(), s.fd, s.tag);
      if (!entry.ok()) {
        ev.put<uint16_t>(layout::kEventError, static_cast<uint16_t>(entry.error()));
      } else {
        // Always found unless the module made `out` overlap `in` and the
        // events written so far changed a later subscription.
        auto found = pollfd_index.find((*entry)->host.get());
        if (found == pollfd_index.end()) continue;
        const short revents = pollfds[found->second].revents;
        if ((revents & (poll_events_for(s.tag) | POLLHUP | POLLERR | POLLNVAL)) == 0) continue;
        if ((revents & POLLNVAL) != 0) {
          ev.put<uint16_t>(layout::kEventError, static_cast<uint16_t>(Errno::Badf));
        } else if ((revents & POLLERR) != 0) {
          ev.put<uint16_t>(layout::kEventError, static_cast<uint16_t>(Errno::Io));
        } else {
          // Writability has no byte count on Linux: POLLOUT promises room
          // for at least one byte.
          const uint64_t nbytes = s.tag == kEventFdRead ? readable_bytes(**entry) : 1;
          ev.put<uint64_t>(layout::kEventNbytes, nbytes);
          if ((revents & POLLHUP) != 0) {
            ev.put<uint16_t>(layout::kEventFlags, kEventFdReadwriteHangup);
          }
        }
      }
    }
    WASI_CHECK(store_struct(c.mem, out + nevents * layout::kEventSize, ev));
    ++nevents;
  }
  return c.mem.store<uint32_t>(nevents_ptr, nevents);
}

}  // namespace

void register_poll(WasiRegistry& r) {
  r.add("poll_oneoff", "iiii", &poll_oneoff);
}

}  // namespace cloister::wasi
