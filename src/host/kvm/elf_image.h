// SPDX-License-Identifier: Apache-2.0
//
// Just enough of ELF64 for the VMM: the shim's loadable segments and entry
// point, and whether the keep program is static. Every field is read through
// a bounded cursor and every range checked against the file.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "base/result.h"

namespace cloister::host::kvm {

struct ElfSegment {
  uint64_t paddr = 0;
  uint64_t vaddr = 0;
  uint64_t memsz = 0;
  std::span<const uint8_t> file_bytes;  // p_filesz bytes of the file (<= memsz)
};

struct ElfImage {
  uint16_t type = 0;  // ET_EXEC or ET_DYN
  uint64_t entry = 0;
  std::vector<ElfSegment> loads;  // PT_LOAD, in file order
  bool has_interp = false;        // PT_INTERP: needs a dynamic loader
};

// Parses an x86-64 little-endian ELF64 executable; `what` names it in errors.
// The segments point into `file`, which must outlive the result.
Result<ElfImage> parse_elf(std::span<const uint8_t> file, const std::string& what);

}  // namespace cloister::host::kvm
