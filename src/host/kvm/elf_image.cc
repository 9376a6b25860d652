// SPDX-License-Identifier: Apache-2.0
#include "host/kvm/elf_image.h"

#include <elf.h>

#include "base/byte_reader.h"

namespace cloister::host::kvm {
namespace {

constexpr uint16_t kPhdrSize = 56;  // sizeof(Elf64_Phdr)
// More program headers than any real executable has; bounds the work a
// hostile file can cause.
constexpr uint16_t kMaxPhdrs = 256;

}  // namespace

Result<ElfImage> parse_elf(std::span<const uint8_t> file, const std::string& what) {
  ByteReader r(file);
  std::span<const uint8_t> ident;
  if (!r.read_bytes(EI_NIDENT, &ident)) return fail(what, ": too short for an ELF header");
  if (ident[EI_MAG0] != ELFMAG0 || ident[EI_MAG1] != ELFMAG1 || ident[EI_MAG2] != ELFMAG2 ||
      ident[EI_MAG3] != ELFMAG3) {
    return fail(what, ": not an ELF file");
  }
  if (ident[EI_CLASS] != ELFCLASS64 || ident[EI_DATA] != ELFDATA2LSB) {
    return fail(what, ": not a 64-bit little-endian ELF file");
  }
  ElfImage image;
  uint16_t machine = 0, phentsize = 0, phnum = 0;
  uint32_t version = 0;
  uint64_t phoff = 0;
  if (!r.read_u16le(&image.type) || !r.read_u16le(&machine) || !r.read_u32le(&version) ||
      !r.read_u64le(&image.entry) || !r.read_u64le(&phoff) || !r.skip(8 + 4 + 2) ||
      !r.read_u16le(&phentsize) || !r.read_u16le(&phnum)) {
    return fail(what, ": truncated ELF header");
  }
  if (machine != EM_X86_64) return fail(what, ": not an x86-64 ELF file (e_machine ", machine, ")");
  if (image.type != ET_EXEC && image.type != ET_DYN) {
    return fail(what, ": not an executable (e_type ", image.type, ")");
  }
  if (phentsize != kPhdrSize) return fail(what, ": e_phentsize ", phentsize, ", expected 56");
  if (phnum == 0 || phnum > kMaxPhdrs) return fail(what, ": e_phnum ", phnum, " out of range");
  if (phoff > file.size() || uint64_t{phnum} * kPhdrSize > file.size() - phoff) {
    return fail(what, ": program headers at offset ", phoff, " run past the end of the file");
  }
  ByteReader ph(file.subspan(phoff, uint64_t{phnum} * kPhdrSize), phoff);
  for (uint16_t i = 0; i < phnum; ++i) {
    uint32_t type = 0, flags = 0;
    uint64_t offset = 0, align = 0;
    ElfSegment seg;
    uint64_t filesz = 0;
    if (!ph.read_u32le(&type) || !ph.read_u32le(&flags) || !ph.read_u64le(&offset) ||
        !ph.read_u64le(&seg.vaddr) || !ph.read_u64le(&seg.paddr) || !ph.read_u64le(&filesz) ||
        !ph.read_u64le(&seg.memsz) || !ph.read_u64le(&align)) {
      return fail(what, ": truncated program header ", i);
    }
    if (type == PT_INTERP) image.has_interp = true;
    if (type != PT_LOAD) continue;
    if (filesz > seg.memsz) {
      return fail(what, ": program header ", i, ": p_filesz ", filesz, " exceeds p_memsz ",
                  seg.memsz);
    }
    if (offset > file.size() || filesz > file.size() - offset) {
      return fail(what, ": program header ", i, ": bytes at offset ", offset,
                  " run past the end of the file");
    }
    seg.file_bytes = file.subspan(offset, filesz);
    image.loads.push_back(seg);
  }
  if (image.loads.empty()) return fail(what, ": no loadable segment");
  return image;
}

}  // namespace cloister::host::kvm
