// SPDX-License-Identifier: Apache-2.0
//
// The shim's GDT, TSS and IDT. The VMM's entry state has none of its own
// worth keeping (boot.h), so these are loaded before anything can fault.
#pragma once

#include <cstdint>

namespace cloister::shim {

inline constexpr uint16_t kKernelCs = 0x08;
inline constexpr uint16_t kKernelDs = 0x10;
inline constexpr uint16_t kUserDs = 0x18 | 3;
inline constexpr uint16_t kUserCs = 0x20 | 3;
inline constexpr uint16_t kTss = 0x28;

// Loads the GDT (reloading every segment register), the TSS and the IDT.
void cpu_tables_init();

}  // namespace cloister::shim
