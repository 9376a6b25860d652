// SPDX-License-Identifier: Apache-2.0
#include "shim/keep_loader.h"

#include <linux/auxvec.h>

#include <cstring>

#include "shim/address_space.h"
#include "shim/elf_image.h"
#include "shim/layout.h"
#include "shim/page_alloc.h"
#include "shim/paging.h"
#include "shim/panic.h"
#include "shim/random.h"
#include "shim/sys_memory.h"
#include "shim/sys_process.h"
#include "shim/user_access.h"
#include "shim/user_stack.h"
#include "shim/x86.h"

extern "C" [[noreturn]] void enter_user(uint64_t rip, uint64_t rsp);

namespace cloister::shim {
namespace {

// Where the random choices fall (docs/shim.md): the image 2 MiB aligned in
// [16 TiB, 24 TiB), the brk up to 32 MiB after it, the stack top within
// 64 GiB below 0x7ff000000000, and mmap from 1 GiB and up to 64 GiB below
// the stack down to the end of the brk area.
constexpr uint64_t kImageRegion = uint64_t{16} << 40;
constexpr uint64_t kBrkArea = uint64_t{64} << 30;
constexpr uint64_t kStackRegionTop = 0x7FF000000000;
constexpr uint64_t kStackGap = uint64_t{1} << 30;

uint64_t random_below(uint64_t n) {
  return random_u64() % n;
}

// Copies the file bytes of `s` that fall in the page at image offset `page`.
void fill_page(uint8_t* frame, const ElfSegment& s, uint64_t page, const uint8_t* file) {
  const uint64_t from = s.vaddr > page ? s.vaddr : page;
  const uint64_t file_end = s.vaddr + s.filesz;
  const uint64_t to = file_end < page + kPageSize ? file_end : page + kPageSize;
  if (from >= to) return;
  std::memcpy(frame + (from - page), file + s.offset + (from - s.vaddr), to - from);
}

void load_segments(const ElfImage& image, const uint8_t* file, uint64_t base) {
  for (int i = 0; i < image.segment_count; ++i) {
    const ElfSegment& s = image.segments[i];
    uint64_t prot = 0;
    if (s.flags & kElfRead) prot |= 1;   // PROT_READ
    if (s.flags & kElfWrite) prot |= 2;  // PROT_WRITE
    if (s.flags & kElfExec) prot |= 4;   // PROT_EXEC
    const uint64_t flags = pte_flags_for_prot(prot);
    for (uint64_t page = page_down(s.vaddr); page < s.vaddr + s.memsz; page += kPageSize) {
      uint64_t* pte = user_pte(base + page, true);
      const uint64_t frame = pte != nullptr ? page_alloc() : 0;
      if (frame == 0) boot_failure("not enough guest memory to load the keep program");
      fill_page(phys(frame), s, page, file);
      *pte = frame | flags;
    }
  }
}

// The stack with argv = {"cloister-keep"}, no environment (the keep gets
// its configuration from the launch message), and the auxv glibc's static
// start-up reads. Returns the initial RSP.
uint64_t build_stack(const ElfImage& image, uint64_t base, uint64_t top) {
  static const char* const kArgv[] = {"cloister-keep"};
  const AuxEntry aux[] = {
      {AT_PHDR, base + image.phdr_vaddr},
      {AT_PHENT, image.phent},
      {AT_PHNUM, image.phnum},
      {AT_PAGESZ, kPageSize},
      {AT_BASE, 0},  // no interpreter
      {AT_FLAGS, 0},
      {AT_ENTRY, base + image.entry},
      {AT_UID, static_cast<uint64_t>(kKeepUid)},
      {AT_EUID, static_cast<uint64_t>(kKeepUid)},
      {AT_GID, static_cast<uint64_t>(kKeepUid)},
      {AT_EGID, static_cast<uint64_t>(kKeepUid)},
      {AT_SECURE, 0},
      {AT_HWCAP, x86::cpuid(1).edx},
      {AT_CLKTCK, 100},
  };
  uint8_t random[16];
  random_fill(random, sizeof(random));
  const StackSpec spec{kArgv, 1, nullptr, 0, aux, sizeof(aux) / sizeof(aux[0]), random, "x86_64"};
  static uint8_t buf[2048];
  const uint64_t sp = build_user_stack(spec, buf, sizeof(buf), top);
  std::memset(random, 0, sizeof(random));
  if (sp == 0 || !copy_to_user(sp, buf + sizeof(buf) - (top - sp), top - sp)) {
    boot_failure("could not build the keep program's stack");
  }
  std::memset(buf, 0, sizeof(buf));  // AT_RANDOM's bytes live only in the keep now
  return sp;
}

}  // namespace

void start_keep(const sallyport::boot::BootInfo& info) {
  const uint8_t* file = phys(info.keep_elf_gpa);
  ElfImage image;
  if (const char* error = parse_elf(file, info.keep_elf_size, &image)) boot_failure(error);

  const uint64_t base = kImageRegion + (random_below(uint64_t{1} << 22) << 21);
  load_segments(image, file, base);
  // The file's pages are not needed any more; the allocator zeroes them
  // before they are handed out again.
  for (uint64_t gpa = info.keep_elf_gpa; gpa < info.keep_elf_gpa + info.keep_elf_size;
       gpa += kPageSize) {
    page_free(gpa);
  }

  const uint64_t brk_start = base + image.span + random_below(8192) * kPageSize;
  brk_init(brk_start, brk_start + kBrkArea);

  const uint64_t stack_top = kStackRegionTop - random_below(uint64_t{1} << 24) * kPageSize;
  const uint64_t stack_bottom = stack_top - kUserStackSize;
  if (!map_zeroed(stack_bottom, kUserStackSize, pte_flags_for_prot(1 | 2))) {
    boot_failure("not enough guest memory for the keep program's stack");
  }
  mmap_area_init(brk_start + kBrkArea,
                 stack_bottom - kStackGap - random_below(uint64_t{1} << 24) * kPageSize);

  const uint64_t sp = build_stack(image, base, stack_top);
  enter_user(base + image.entry, sp);
}

}  // namespace cloister::shim
