// SPDX-License-Identifier: Apache-2.0
//
// RFC 3339 timestamps (UTC), used for "verify as of" times, certificate and
// collateral validity windows and JSON output.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"

namespace cloister {

using SysTime = std::chrono::system_clock::time_point;

// Parses "2025-07-19T10:01:17Z", "2025-07-19T10:01:17.123Z" and numeric
// offsets ("+02:00"). Fractions of a second are truncated.
Result<SysTime> parse_rfc3339(std::string_view text);
// Formats as "YYYY-MM-DDTHH:MM:SSZ".
std::string format_rfc3339(SysTime t);
// Seconds since the Unix epoch for a UTC civil date (proleptic Gregorian).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);

}  // namespace cloister
