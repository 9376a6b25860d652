// SPDX-License-Identifier: Apache-2.0
//
// The physical page allocator: every 4 KiB page from BootInfo.free_gpa to the
// end of guest RAM. Pages are handed out zeroed.
#pragma once

#include <cstdint>

namespace cloister::shim {

void page_alloc_init(uint64_t first_gpa, uint64_t end_gpa);

// A zeroed page's guest physical address, or 0 when memory is exhausted
// (GPA 0 is never free: it is the unmapped page below BootInfo).
uint64_t page_alloc();

// Adds the pages of [first_gpa, end_gpa), whatever they hold, to be handed
// out (zeroed) once the fresh ones are gone. One such range at a time.
void page_alloc_add_dirty(uint64_t first_gpa, uint64_t end_gpa);

// Returns a page; its contents may be anything (it is zeroed when reused).
void page_free(uint64_t gpa);

uint64_t pages_available();

}  // namespace cloister::shim
