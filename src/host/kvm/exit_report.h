// SPDX-License-Identifier: Apache-2.0
//
// The VMM's one-line diagnostics when a keep ends abnormally. Every number in
// them comes from the guest and is printed, never trusted.
#pragma once

#include <cstdint>
#include <string>

namespace cloister::host::kvm {

// "page fault (#PF)" for vector 14; "vector 77" style text for others.
std::string exception_name(uint64_t vector);

// "cloister: keep fault: page fault (#PF) (vector 14) at rip 0x..., address
// 0x... (error code 0x..., ring 3)".
std::string fault_message(uint64_t vector, uint64_t error_code, uint64_t rip, uint64_t cr2,
                          uint64_t cs);

}  // namespace cloister::host::kvm
