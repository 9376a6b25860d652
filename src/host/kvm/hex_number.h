// SPDX-License-Identifier: Apache-2.0
//
// "0x1f"-style numbers for the VMM's messages (addresses, registers).
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

namespace cloister::host::kvm {

inline std::string hex_number(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace cloister::host::kvm
