// SPDX-License-Identifier: Apache-2.0
//
// Memory sizes as deployers write them in Cloister.toml ("512 MiB", "1G").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"

namespace cloister::config {

// Parses "<integer>[ ]<unit>" with a binary unit: K/KiB, M/MiB, G/GiB (any
// case; a bare number is bytes). Decimal units (MB, GB) are refused rather
// than guessed at. The error says what was expected.
Result<uint64_t> parse_memory_size(std::string_view text);

// "512 MiB", "1 GiB", "1536 MiB", or bytes when not a whole number of KiB.
std::string format_memory_size(uint64_t bytes);

}  // namespace cloister::config
