// SPDX-License-Identifier: Apache-2.0
//
// Loading the keep program into ring 3: its segments at a random base, the
// program break, its stack with argv/envp/auxv, then the jump to its entry.
#pragma once

#include "sallyport/boot.h"

namespace cloister::shim {

// Never returns: the keep program runs until it exits or faults. A program
// the shim refuses (not a static PIE, W+X segments, malformed headers) or
// one that does not fit in memory ends the keep with a message and 125.
[[noreturn]] void start_keep(const sallyport::boot::BootInfo& info);

}  // namespace cloister::shim
