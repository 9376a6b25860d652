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
#include "shim/segment_pages.h"
#include "shim/stack_growth.h"
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
// The rest of the stack's 8 MiB is mapped as it is touched (stack_growth.h).
constexpr uint64_t kStackMappedAtStart = uint64_t{128} << 10;

uint64_t random_below(uint64_t n) {
  return random_u64() % n;
}

// Gives page `page` of segment `index` its bytes (zero elsewhere), as
// plan_page says: the file's own page with its edges zeroed, or a fresh copy.
// Mapping file pages in place spares copying the program (about 1.5 MiB),
// which matters where the shim's ring 0 is emulated.
uint64_t segment_frame(const ElfImage& image, int index, uint64_t page, uint64_t file_gpa) {
  const ElfSegment& s = image.segments[index];
  const PagePlan plan = plan_page(image, index, page);
  if (plan.in_place) {
    const uint64_t frame = file_gpa + plan.file_page;
    uint8_t* bytes = phys(frame);
    std::memset(bytes, 0, plan.data_from - page);
    std::memset(bytes + (plan.data_to - page), 0, page + kPageSize - plan.data_to);
    return frame;
  }
  const uint64_t frame = page_alloc();
  if (frame == 0) return 0;
  if (plan.data_from < plan.data_to) {
    std::memcpy(phys(frame) + (plan.data_from - page),
                phys(file_gpa) + s.offset + (plan.data_from - s.vaddr),
                plan.data_to - plan.data_from);
  }
  return frame;
}

void load_segments(const ElfImage& image, uint64_t file_gpa, uint64_t base) {
  for (int i = 0; i < image.segment_count; ++i) {
    const ElfSegment& s = image.segments[i];
    uint64_t prot = 0;
    if (s.flags & kElfRead) prot |= 1;   // PROT_READ
    if (s.flags & kElfWrite) prot |= 2;  // PROT_WRITE
    if (s.flags & kElfExec) prot |= 4;   // PROT_EXEC
    const uint64_t flags = pte_flags_for_prot(prot);
    // The whole in-place pages form one run with consecutive file pages;
    // the pages around it (edges, bss, shared file pages) go through
    // segment_frame.
    const uint64_t pbase = page_down(s.vaddr), fbase = page_down(s.offset);
    const uint64_t end = page_up(s.vaddr + s.memsz);
    uint64_t fast_from, fast_to;
    in_place_run(image, i, &fast_from, &fast_to);
    bool ok = true;
    const bool tables = for_each_table(
        base + pbase, end - pbase, true, [&](uint64_t va, uint64_t* pte, uint64_t n) {
          uint64_t page = va - base;
          for (uint64_t k = 0; k < n; ++k, page += kPageSize) {
            if (page >= fast_from && page < fast_to) {
              // A run of in-place pages up to the range's
              // or the table's end: consecutive frames.
              uint64_t frame = file_gpa + fbase + (page - pbase);
              for (; k < n && page < fast_to; ++k, page += kPageSize) {
                pte[k] = frame | flags;
                frame += kPageSize;
              }
              --k;
              page -= kPageSize;
              continue;
            }
            const uint64_t frame = segment_frame(image, i, page, file_gpa);
            if (frame == 0) return ok = false;
            pte[k] = frame | flags;
          }
          return true;
        });
    if (!tables || !ok) {
      boot_failure("not enough guest memory to load the keep program");
    }
  }
}

// The file pages after the last one any segment uses (section headers,
// symbols) go back to the allocator, which zeroes them before reuse. (The
// odd page shared by two segments, copied instead, is not worth tracking.)
void free_file_tail(const ElfImage& image, uint64_t file_gpa, uint64_t file_size) {
  uint64_t used = 0;
  for (int i = 0; i < image.segment_count; ++i) {
    const ElfSegment& s = image.segments[i];
    if (s.filesz > 0 && page_up(s.offset + s.filesz) > used) used = page_up(s.offset + s.filesz);
  }
  page_alloc_add_dirty(file_gpa + used, file_gpa + page_up(file_size));
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
  ElfImage image;
  if (const char* error = parse_elf(phys(info.keep_elf_gpa), info.keep_elf_size, &image)) {
    boot_failure(error);
  }
  const uint64_t base = kImageRegion + (random_below(uint64_t{1} << 22) << 21);
  load_segments(image, info.keep_elf_gpa, base);
  free_file_tail(image, info.keep_elf_gpa, info.keep_elf_size);

  const uint64_t brk_start = base + image.span + random_below(8192) * kPageSize;
  brk_init(brk_start, brk_start + kBrkArea);

  const uint64_t stack_top = kStackRegionTop - random_below(uint64_t{1} << 24) * kPageSize;
  const uint64_t stack_bottom = stack_top - kUserStackSize;
  if (!map_zeroed(stack_top - kStackMappedAtStart, kStackMappedAtStart,
                  pte_flags_for_prot(1 | 2))) {
    boot_failure("not enough guest memory for the keep program's stack");
  }
  stack_growth_init(stack_bottom, stack_top - kStackMappedAtStart);
  mmap_area_init(brk_start + kBrkArea,
                 stack_bottom - kStackGap - random_below(uint64_t{1} << 24) * kPageSize);

  const uint64_t sp = build_stack(image, base, stack_top);
  enter_user(base + image.entry, sp);
}

}  // namespace cloister::shim
