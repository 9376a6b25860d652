// SPDX-License-Identifier: Apache-2.0
#include "config/memory_size.h"

#include <cctype>
#include <limits>

namespace cloister::config {
namespace {

bool equals_lower(std::string_view a, std::string_view lower) {
  if (a.size() != lower.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != lower[i]) return false;
  }
  return true;
}

}  // namespace

Result<uint64_t> parse_memory_size(std::string_view text) {
  const auto bad = [&](std::string_view why) {
    return fail("memory size \"" + std::string(text) + "\": " + std::string(why) +
                " (expected e.g. \"512 MiB\" or \"2 GiB\"; units K/KiB, M/MiB, G/GiB)");
  };
  size_t i = 0;
  uint64_t value = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
    const uint64_t digit = static_cast<uint64_t>(text[i] - '0');
    if (value > (std::numeric_limits<uint64_t>::max() - digit) / 10) return bad("too large");
    value = value * 10 + digit;
    ++i;
  }
  if (i == 0) return bad("must start with a whole number");
  while (i < text.size() && text[i] == ' ') ++i;
  const std::string_view unit = text.substr(i);
  unsigned shift = 0;
  if (unit.empty()) {
    shift = 0;
  } else if (equals_lower(unit, "k") || equals_lower(unit, "kib")) {
    shift = 10;
  } else if (equals_lower(unit, "m") || equals_lower(unit, "mib")) {
    shift = 20;
  } else if (equals_lower(unit, "g") || equals_lower(unit, "gib")) {
    shift = 30;
  } else if (equals_lower(unit, "kb") || equals_lower(unit, "mb") || equals_lower(unit, "gb")) {
    return bad("decimal units are ambiguous; use KiB, MiB or GiB");
  } else {
    return bad("unknown unit \"" + std::string(unit) + "\"");
  }
  if (value > (std::numeric_limits<uint64_t>::max() >> shift)) return bad("too large");
  return value << shift;
}

std::string format_memory_size(uint64_t bytes) {
  if (bytes != 0 && bytes % (uint64_t{1} << 30) == 0) return std::to_string(bytes >> 30) + " GiB";
  if (bytes != 0 && bytes % (uint64_t{1} << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
  if (bytes != 0 && bytes % (uint64_t{1} << 10) == 0) return std::to_string(bytes >> 10) + " KiB";
  return std::to_string(bytes) + " bytes";
}

}  // namespace cloister::config
