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
// `text` with every byte outside printable ASCII (and the backslash itself)
// written as \xNN, so that untrusted text, such as names taken from
// certificates, is safe to print and to put in JSON.
std::string printable_ascii(std::string_view text);
// Parses hex (either case, even length, no separators); nullopt on bad input.
std::optional<std::vector<uint8_t>> from_hex(std::string_view hex);

}  // namespace cloister
