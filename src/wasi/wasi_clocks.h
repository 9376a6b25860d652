// SPDX-License-Identifier: Apache-2.0
//
// Internal: WASI clock ids as Linux clocks, shared by clock_*_get and
// poll_oneoff's clock subscriptions.
#pragma once

#include <time.h>

#include <cstdint>

#include "wasi/guest_memory.h"

namespace cloister::wasi {

// The Linux clock behind a WASI clockid, or Inval for an unknown id.
ErrnoOr<clockid_t> linux_clock(uint32_t wasi_clock);
// The clock's current time in nanoseconds.
ErrnoOr<uint64_t> clock_now(clockid_t clock);

}  // namespace cloister::wasi
