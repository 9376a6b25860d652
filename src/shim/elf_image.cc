// SPDX-License-Identifier: Apache-2.0
#include "shim/elf_image.h"

namespace cloister::shim {
namespace {

constexpr uint64_t kEhdrSize = 64;
constexpr uint64_t kPhdrSize = 56;
constexpr uint64_t kMaxPhnum = 64;
constexpr uint64_t kPage = 4096;

constexpr uint16_t kEtExec = 2;
constexpr uint16_t kEtDyn = 3;
constexpr uint16_t kEmX86_64 = 62;
constexpr uint32_t kPtLoad = 1;
constexpr uint32_t kPtInterp = 3;

// Little-endian fields at an offset that the caller has bounds-checked for
// the whole header being read (the ELF file is never cast to a struct).
struct Fields {
  const uint8_t* p;
  uint64_t le(uint64_t off, int n) const {
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; --i) v = (v << 8) | p[off + static_cast<uint64_t>(i)];
    return v;
  }
  uint16_t u16(uint64_t off) const { return static_cast<uint16_t>(le(off, 2)); }
  uint32_t u32(uint64_t off) const { return static_cast<uint32_t>(le(off, 4)); }
  uint64_t u64(uint64_t off) const { return le(off, 8); }
};

// Checks one PT_LOAD header and appends it.
const char* add_load(const Fields& ph, uint64_t file_size, ElfImage* out) {
  ElfSegment s;
  s.flags = ph.u32(4);
  s.offset = ph.u64(8);
  s.vaddr = ph.u64(16);
  s.filesz = ph.u64(32);
  s.memsz = ph.u64(40);
  if (s.memsz == 0) return nullptr;  // nothing to map
  if (s.filesz > s.memsz) return "a PT_LOAD segment has p_filesz > p_memsz";
  if (s.offset > file_size || s.filesz > file_size - s.offset) {
    return "a PT_LOAD segment lies outside the file";
  }
  if (s.vaddr >= kMaxImageSpan || s.memsz > kMaxImageSpan - s.vaddr) {
    return "a PT_LOAD segment lies beyond 1 GiB from the load base";
  }
  if ((s.vaddr - s.offset) % kPage != 0) {
    return "a PT_LOAD segment's address and file offset differ modulo the page size";
  }
  if ((s.flags & kElfWrite) && (s.flags & kElfExec)) {
    return "a PT_LOAD segment is both writable and executable (W^X)";
  }
  // Each page gets exactly one segment's permissions, so segments must be in
  // ascending order and never share a page.
  if (out->segment_count > 0) {
    const ElfSegment& prev = out->segments[out->segment_count - 1];
    const uint64_t prev_end = (prev.vaddr + prev.memsz + kPage - 1) & ~(kPage - 1);
    if ((s.vaddr & ~(kPage - 1)) < prev_end) {
      return "PT_LOAD segments overlap, share a page or are out of order";
    }
  }
  if (out->segment_count == kMaxLoadSegments) return "more than 16 PT_LOAD segments";
  out->segments[out->segment_count++] = s;
  out->span = (s.vaddr + s.memsz + kPage - 1) & ~(kPage - 1);
  return nullptr;
}

}  // namespace

const char* parse_elf(const uint8_t* bytes, uint64_t size, ElfImage* out) {
  *out = ElfImage{};
  if (size < kEhdrSize) return "the keep program is shorter than an ELF header";
  const Fields eh{bytes};
  if (eh.u32(0) != 0x464C457F) return "the keep program is not an ELF file";
  if (bytes[4] != 2 || bytes[5] != 1 || bytes[6] != 1) {
    return "the keep program is not a 64-bit little-endian ELF (version 1)";
  }
  const uint16_t type = eh.u16(16);
  if (eh.u16(18) != kEmX86_64) return "the keep program is not an x86-64 program";
  if (type == kEtExec) {
    return "the keep program is not position independent (ET_EXEC): link it with -static-pie";
  }
  if (type != kEtDyn) return "the keep program is not an executable (e_type)";
  out->entry = eh.u64(24);
  const uint64_t phoff = eh.u64(32);
  out->phent = eh.u16(54);
  out->phnum = eh.u16(56);
  if (out->phent != kPhdrSize) return "the keep program's e_phentsize is not 56";
  if (out->phnum == 0 || out->phnum > kMaxPhnum)
    return "the keep program has 0 or over 64 program headers";
  if (phoff > size || out->phnum * kPhdrSize > size - phoff) {
    return "the keep program's program headers lie outside the file";
  }
  for (uint64_t i = 0; i < out->phnum; ++i) {
    const Fields ph{bytes + phoff + i * kPhdrSize};
    const uint32_t ptype = ph.u32(0);
    if (ptype == kPtInterp) {
      return "the keep program is dynamically linked (it has PT_INTERP; sanitizer builds make "
             "one): a KVM keep runs only a static PIE keep program";
    }
    if (ptype != kPtLoad) continue;
    if (const char* error = add_load(ph, size, out)) return error;
  }
  if (out->segment_count == 0) return "the keep program has no PT_LOAD segment";
  // AT_PHDR: where the headers land, i.e. the loaded segment holding them.
  bool phdr_mapped = false;
  bool entry_exec = false;
  for (int i = 0; i < out->segment_count; ++i) {
    const ElfSegment& s = out->segments[i];
    if (phoff >= s.offset && phoff + out->phnum * kPhdrSize <= s.offset + s.filesz) {
      out->phdr_vaddr = s.vaddr + (phoff - s.offset);
      phdr_mapped = true;
    }
    if ((s.flags & kElfExec) && out->entry >= s.vaddr && out->entry < s.vaddr + s.memsz) {
      entry_exec = true;
    }
  }
  if (!phdr_mapped) return "the keep program's program headers are not in a loaded segment";
  if (!entry_exec) return "the keep program's entry point is not in an executable segment";
  return nullptr;
}

}  // namespace cloister::shim
