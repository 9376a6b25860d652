// SPDX-License-Identifier: Apache-2.0
//
// The keep program's ELF comes from the host, the adversary inside a TEE:
// parse_elf must never read outside the bytes it is given, and what it
// accepts must be safe to map — every segment inside the file and the image
// span, never writable and executable, in order without sharing a page, the
// entry point executable and the program headers loaded.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "shim/elf_image.h"

namespace {

constexpr uint64_t kPage = 4096;

void check(bool ok) {
  if (!ok) std::abort();
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
  return 0;
}
