// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace cloister {

// Lower-case hex of `bytes`.
std::string to_hex(std::span<const uint8_t> bytes);
// Parses hex (either case, even length, no separators); nullopt on bad input.
std::optional<std::vector<uint8_t>> from_hex(std::string_view hex);

}  // namespace cloister
