// SPDX-License-Identifier: Apache-2.0
//
// clock_res_get / clock_time_get: the four WASI clocks read from the Linux
// clocks with the same meaning (CLOCK_REALTIME, CLOCK_MONOTONIC, and the
// process and thread CPU-time clocks). Times are u64 nanoseconds.
#include <time.h>

#include "wasi/call.h"
#include "wasi/host_conv.h"
#include "wasi/wasi_clocks.h"

namespace cloister::wasi {

ErrnoOr<clockid_t> linux_clock(uint32_t wasi_clock) {
  switch (wasi_clock) {
    case kClockRealtime:
      return CLOCK_REALTIME;
    case kClockMonotonic:
      return CLOCK_MONOTONIC;
    case kClockProcessCputime:
      return CLOCK_PROCESS_CPUTIME_ID;
    case kClockThreadCputime:
      return CLOCK_THREAD_CPUTIME_ID;
    default:
      return Errno::Inval;
  }
}

ErrnoOr<uint64_t> clock_now(clockid_t clock) {
  struct timespec ts {};
  if (::clock_gettime(clock, &ts) != 0) return last_errno();
  return timespec_to_ns(ts);
}

namespace {

// clock_res_get(id, *resolution)
wasm::Outcome<Errno> clock_res_get(WasiCall& c) {
  WASI_TRY_ASSIGN(const clockid_t clock, linux_clock(c.u32(0)));
  const uint32_t out = c.u32(1);
  struct timespec ts {};
  if (::clock_getres(clock, &ts) != 0) return last_errno();
  return c.mem.store<uint64_t>(out, timespec_to_ns(ts));
}

// clock_time_get(id, precision, *time). The precision is a hint the spec lets
// an implementation ignore; the clocks are read at full resolution.
wasm::Outcome<Errno> clock_time_get(WasiCall& c) {
  WASI_TRY_ASSIGN(const clockid_t clock, linux_clock(c.u32(0)));
  const uint32_t out = c.u32(2);
  WASI_TRY_ASSIGN(const uint64_t now, clock_now(clock));
  return c.mem.store<uint64_t>(out, now);
}

}  // namespace

void register_clock(WasiRegistry& r) {
  r.add("clock_res_get", "ii", &clock_res_get);
  r.add("clock_time_get", "iIi", &clock_time_get);
}

}  // namespace cloister::wasi
