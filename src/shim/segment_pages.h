// SPDX-License-Identifier: Apache-2.0
//
// Which pages of the keep program's segments can be the ELF file's own pages
// (mapped in place, no copy) and which must be fresh copies. Pure logic over
// a checked ElfImage: the loader uses it, and the fuzzer checks that the fast
// path (in_place_run) never disagrees with the page-by-page rule (plan_page).
#pragma once

#include <cstdint>

#include "shim/elf_image.h"

namespace cloister::shim {

struct PagePlan {
  // The file page backs this page directly (it is used by this segment
  // alone); otherwise the page is a fresh copy.
  bool in_place;
  uint64_t file_page;  // the file offset of the page holding its bytes
  // The image range [data_from, data_to) within the page that holds file
  // bytes (empty for bss); everything else in the page must read as zero.
  uint64_t data_from, data_to;
};

// Page `page` (an image offset, page aligned, inside the segment's pages)
// of segment `index`.
PagePlan plan_page(const ElfImage& image, int index, uint64_t page);

// The pages [*from, *to) of segment `index` that plan_page puts in place
// whole (file bytes cover the entire page): their file pages are consecutive,
// so the loader maps them in one tight loop. Empty when *from == *to.
void in_place_run(const ElfImage& image, int index, uint64_t* from, uint64_t* to);

}  // namespace cloister::shim
