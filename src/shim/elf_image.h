// SPDX-License-Identifier: Apache-2.0
//
// Reading the keep program's ELF headers. The file comes from the host, so it
// is untrusted input: every field is read through bounds checks and every
// segment is checked before anything is mapped. Pure logic (no paging), so the
// host-side tests compile it too (tests/shim/).
#pragma once

#include <cstdint>

namespace cloister::shim {

// ELF p_flags bits.
inline constexpr uint32_t kElfExec = 1;
inline constexpr uint32_t kElfWrite = 2;
inline constexpr uint32_t kElfRead = 4;

inline constexpr int kMaxLoadSegments = 16;
// A keep program larger than this (from its lowest to highest address) is
// refused: it would be a mistake, not a program.
inline constexpr uint64_t kMaxImageSpan = uint64_t{1} << 30;

struct ElfSegment {
  uint64_t vaddr;  // relative to the load base
  uint64_t memsz;
  uint64_t offset;  // in the file
  uint64_t filesz;
  uint32_t flags;  // kElfRead | kElfWrite | kElfExec
};

// A static PIE, described relative to its load base (the loader adds a
// random base to every address).
struct ElfImage {
  uint64_t entry;
  uint64_t phdr_vaddr;  // where the program headers are once loaded (AT_PHDR)
  uint64_t phnum;
  uint64_t phent;
  uint64_t span;  // page-rounded end of the highest segment
  int segment_count;
  ElfSegment segments[kMaxLoadSegments];
};

// Fills `out` from the `size` bytes at `bytes`. Returns null, or a message
// saying what is wrong with the file (for the host's stderr).
const char* parse_elf(const uint8_t* bytes, uint64_t size, ElfImage* out);

}  // namespace cloister::shim
