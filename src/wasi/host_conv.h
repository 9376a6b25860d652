// SPDX-License-Identifier: Apache-2.0
//
// Conversions between Linux results and WASI values: errno codes, file types,
// stat records and timestamps.
#pragma once

#include <sys/stat.h>
#include <time.h>

#include <cstdint>

#include "wasi/abi.h"
#include "wasi/guest_memory.h"

namespace cloister::wasi {

// A Linux errno value as the WASI errno the spec pairs with it (same POSIX
// name); anything without a counterpart becomes Io.
Errno errno_from_linux(int linux_errno);
// errno_from_linux(errno), for use right after a failed system call.
Errno last_errno();

Filetype filetype_from_mode(mode_t mode);

// Nanoseconds since the epoch, saturating at 0 and UINT64_MAX.
uint64_t timespec_to_ns(const struct timespec& ts);
struct timespec ns_to_timespec(uint64_t ns);

// The two timestamps (access, modification) for futimens/utimensat from a
// WASI (atim, mtim, fstflags) triple: each is left alone (UTIME_OMIT), set
// to now (UTIME_NOW) or set to the given time. Unknown flag bits, or a time
// asked for both as a value and as "now", are Inval (the suite's
// fstflags_validate).
struct UtimensTimes {
  struct timespec times[2];
};
ErrnoOr<UtimensTimes> utimens_times(uint64_t atim, uint64_t mtim, uint32_t fstflags);

// The 64-byte WASI filestat of `st`.
StructWriter<layout::kFilestatSize> filestat_from_stat(const struct stat& st);

}  // namespace cloister::wasi
