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

// Up to `max` consecutive fresh (known zero) pages: returns how many, the
// first in *out_first. 0 when the fresh pages are gone (use page_alloc).
uint64_t page_alloc_fresh_run(uint64_t max, uint64_t* out_first);

// 2 MiB of fresh (known zero) pages, 2 MiB aligned, for a huge page; 0 when
// the fresh pages cannot provide them (the caller falls back to 4 KiB pages).
uint64_t page_alloc_huge();

// Returns the pages [first, end); their contents may be anything.
void page_free_run(uint64_t first, uint64_t end);

// Returns a page; its contents may be anything (it is zeroed when reused).
void page_free(uint64_t gpa);

uint64_t pages_available();

}  // namespace cloister::shim
