// SPDX-License-Identifier: Apache-2.0
//
// The keep program's ELF comes from the host, the adversary inside a TEE:
// parse_elf must never read outside the bytes it is given, and what it
// accepts must be safe to map — every segment inside the file and the image
// span, never writable and executable, in order without sharing a page, the
// entry point executable and the program headers loaded. And the loader's
// fast path (in_place_run) must agree with its page-by-page rule
// (plan_page), which never lets two segments own one file page.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "shim/elf_image.h"
#include "shim/segment_pages.h"

namespace {

constexpr uint64_t kPage = 4096;

void check(bool ok) {
  if (!ok) std::abort();
}

// The pages where the plan can change: each end of the segment and of the
// in-place run (checking all of a 1 GiB segment would make the fuzzer slow).
void check_page_plans(const cloister::shim::ElfImage& image) {
  for (int i = 0; i < image.segment_count; ++i) {
    const auto& s = image.segments[i];
    const uint64_t pbase = s.vaddr & ~(kPage - 1), fbase = s.offset & ~(kPage - 1);
    const uint64_t end = (s.vaddr + s.memsz + kPage - 1) & ~(kPage - 1);
    uint64_t from, to;
    cloister::shim::in_place_run(image, i, &from, &to);
    check(from <= to && (from == to || (from >= pbase && to <= end)));
    const uint64_t marks[] = {pbase, end, from, to};
    for (uint64_t mark : marks) {
      for (uint64_t d = 0; d < 6 * kPage; d += kPage) {
        const uint64_t p = mark - 3 * kPage + d;
        if (p < pbase || p >= end) continue;
        const auto plan = cloister::shim::plan_page(image, i, p);
        check(plan.data_from >= p && plan.data_from <= plan.data_to && plan.data_to <= p + kPage);
        check(plan.file_page == fbase + (p - pbase));
        if (p >= from && p < to) {
          check(plan.in_place && plan.data_from == p && plan.data_to == p + kPage);
        }
        if (!plan.in_place) continue;
        for (int j = 0; j < image.segment_count; ++j) {  // no other segment uses that file page
          const auto& o = image.segments[j];
          if (j == i || o.filesz == 0) continue;
          const uint64_t a = o.offset & ~(kPage - 1);
          const uint64_t b = (o.offset + o.filesz + kPage - 1) & ~(kPage - 1);
          check(plan.file_page < a || plan.file_page >= b);
        }
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // An exact-size copy, so ASan sees any read past the end.
  const std::vector<uint8_t> bytes(data, data + size);
  cloister::shim::ElfImage image;
  if (cloister::shim::parse_elf(bytes.data(), bytes.size(), &image) != nullptr) return 0;
  using cloister::shim::kElfExec;
  using cloister::shim::kElfWrite;
  check(image.segment_count > 0 && image.segment_count <= cloister::shim::kMaxLoadSegments);
  bool entry_exec = false;
  uint64_t prev_end = 0;
  for (int i = 0; i < image.segment_count; ++i) {
    const auto& s = image.segments[i];
    check(s.filesz <= s.memsz);
    check(s.offset <= size && s.filesz <= size - s.offset);
    check(s.vaddr < cloister::shim::kMaxImageSpan &&
          s.memsz <= cloister::shim::kMaxImageSpan - s.vaddr);
    check(!((s.flags & kElfWrite) && (s.flags & kElfExec)));
    check((s.vaddr - s.offset) % kPage == 0);
    check(i == 0 || (s.vaddr & ~(kPage - 1)) >= prev_end);
    prev_end = (s.vaddr + s.memsz + kPage - 1) & ~(kPage - 1);
    check(prev_end <= image.span);
    if ((s.flags & kElfExec) && image.entry >= s.vaddr && image.entry < s.vaddr + s.memsz) {
      entry_exec = true;
    }
  }
  check(entry_exec);
  check(image.phent == 56 && image.phnum > 0 && image.phdr_vaddr < image.span);
  check_page_plans(image);
  return 0;
}
