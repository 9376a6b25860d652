// SPDX-License-Identifier: Apache-2.0
//
// The keep program's stack grows on demand, as on Linux: only its top is
// mapped at start, and a page fault below the mapped part (within the 8 MiB
// the stack may use) maps more. Mapping all 8 MiB up front is thousands of
// page-table writes, which costs tens of milliseconds where the shim's ring 0
// is emulated (KVM's PVM flavour, docs/shim.md).
#pragma once

#include <cstdint>

namespace cloister::shim {

// [limit, mapped_bottom) may be mapped on demand; [mapped_bottom, top) is.
void stack_growth_init(uint64_t limit, uint64_t mapped_bottom);

// Called from the page-fault stub for faults in ring 3. Returns true if the
// fault was a not-present access in the stack's reserve and more stack is now
// mapped (the program resumes), false for a real fault (it is reported).
extern "C" bool user_page_fault(uint64_t address, uint64_t error_code);

}  // namespace cloister::shim
