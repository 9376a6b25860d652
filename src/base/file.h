// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"

namespace cloister {

// Reads a whole file. Refuses files larger than `max_size` so that a hostile
// path (e.g. /dev/zero) cannot exhaust memory.
Result<std::vector<uint8_t>> read_file(const std::string& path, size_t max_size = size_t{1} << 30);
Result<std::string> read_text_file(const std::string& path, size_t max_size = size_t{1} << 30);

}  // namespace cloister
