// SPDX-License-Identifier: Apache-2.0
//
// The VMM's checks that need no /dev/kvm: ELF parsing, shim placement, the
// memory size rule and the static keep program rule.
#include <elf.h>
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "host/kvm/boot_state.h"
#include "host/kvm/elf_image.h"
#include "host/kvm/guest_memory.h"
#include "host/kvm/keep_check.h"
#include "host/kvm/kvm_backend.h"
#include "sallyport/boot.h"

namespace cloister::host::kvm {
namespace {

namespace boot = cloister::sallyport::boot;

struct Segment {
  uint32_t type;
  uint64_t paddr, vaddr, filesz, memsz;
};

// A minimal ELF64 image: header, program headers, then 16 bytes of payload
// that every PT_LOAD points at.
std::vector<uint8_t> make_elf(uint64_t entry, const std::vector<Segment>& segments,
                              uint16_t type = ET_EXEC) {
  const size_t payload_offset = sizeof(Elf64_Ehdr) + segments.size() * sizeof(Elf64_Phdr);
  std::vector<uint8_t> file(payload_offset + 16, 0x90);
  Elf64_Ehdr eh{};
  std::memcpy(eh.e_ident, ELFMAG, SELFMAG);
  eh.e_ident[EI_CLASS] = ELFCLASS64;
  eh.e_ident[EI_DATA] = ELFDATA2LSB;
  eh.e_ident[EI_VERSION] = EV_CURRENT;
  eh.e_type = type;
  eh.e_machine = EM_X86_64;
  eh.e_version = EV_CURRENT;
  eh.e_entry = entry;
  eh.e_phoff = sizeof(Elf64_Ehdr);
  eh.e_ehsize = sizeof(Elf64_Ehdr);
  eh.e_phentsize = sizeof(Elf64_Phdr);
  eh.e_phnum = static_cast<uint16_t>(segments.size());
  std::memcpy(file.data(), &eh, sizeof eh);
  for (size_t i = 0; i < segments.size(); ++i) {
    Elf64_Phdr ph{};
    ph.p_type = segments[i].type;
    ph.p_offset = payload_offset;
    ph.p_paddr = segments[i].paddr;
    ph.p_vaddr = segments[i].vaddr;
    ph.p_filesz = segments[i].filesz;
    ph.p_memsz = segments[i].memsz;
    std::memcpy(file.data() + sizeof eh + i * sizeof ph, &ph, sizeof ph);
  }
  return file;
}

constexpr uint64_t kShimVaddr = boot::kKernelBase + boot::kShimGpa;

TEST(ElfImageTest, ParsesLoadSegmentsAndEntry) {
  auto file = make_elf(kShimVaddr + 4, {{PT_LOAD, boot::kShimGpa, kShimVaddr, 16, 4096}});
  auto image = parse_elf(file, "shim");
  ASSERT_TRUE(image) << image.error().message();
  EXPECT_EQ(image->entry, kShimVaddr + 4);
  ASSERT_EQ(image->loads.size(), 1u);
  EXPECT_EQ(image->loads[0].paddr, boot::kShimGpa);
  EXPECT_EQ(image->loads[0].file_bytes.size(), 16u);
  EXPECT_FALSE(image->has_interp);
}

TEST(ElfImageTest, RefusesMalformedFiles) {
  EXPECT_NE(parse_elf(std::vector<uint8_t>(10), "x").error().message().find("too short"),
            std::string::npos);
  EXPECT_NE(parse_elf(std::vector<uint8_t>(64), "x").error().message().find("not an ELF"),
            std::string::npos);
  // Segment bytes past the end of the file.
  auto file = make_elf(0, {{PT_LOAD, 0, 0, 17, 17}});
  EXPECT_NE(parse_elf(file, "x").error().message().find("past the end"), std::string::npos);
  // p_filesz > p_memsz.
  file = make_elf(0, {{PT_LOAD, 0, 0, 16, 8}});
  EXPECT_NE(parse_elf(file, "x").error().message().find("exceeds p_memsz"), std::string::npos);
  // Program headers cut off.
  file = make_elf(0, {{PT_LOAD, 0, 0, 16, 16}});
  file.resize(sizeof(Elf64_Ehdr) + 10);
  EXPECT_NE(parse_elf(file, "x").error().message().find("program headers"), std::string::npos);
  // Not x86-64.
  file = make_elf(0, {{PT_LOAD, 0, 0, 16, 16}});
  file[18] = EM_AARCH64;
  EXPECT_NE(parse_elf(file, "x").error().message().find("not an x86-64"), std::string::npos);
}

TEST(ElfImageTest, DynamicKeepProgramIsRefusedWithTheReason) {
  auto file = make_elf(0x1000, {{PT_INTERP, 0, 0, 16, 16}, {PT_LOAD, 0, 0, 16, 16}}, ET_DYN);
  auto checked = check_static_keep(file, "/x/cloister-keep");
  ASSERT_FALSE(checked);
  EXPECT_EQ(checked.error().message(),
            "/x/cloister-keep is dynamically linked (a sanitizer build?); the kvm backend needs "
            "the static keep program");
  file = make_elf(0x1000, {{PT_LOAD, 0, 0, 16, 16}}, ET_DYN);  // static-pie
  EXPECT_TRUE(check_static_keep(file, "/x/cloister-keep"));
}

TEST(ShimPlacementTest, SegmentsMustLieInTheShimRegionAtKernelBase) {
  auto memory = GuestMemory::create(32 << 20);
  ASSERT_TRUE(memory) << memory.error().message();
  // Each file outlives its parsed image (the segments point into it).
  auto load = [&](const std::vector<uint8_t>& file) -> Result<uint64_t> {
    CLOISTER_TRY_ASSIGN(const ElfImage image, parse_elf(file, "s"));
    return load_shim(*memory, image);
  };
  const auto good = make_elf(kShimVaddr, {{PT_LOAD, boot::kShimGpa, kShimVaddr, 16, 64}});
  auto entry = load(good);
  ASSERT_TRUE(entry) << entry.error().message();
  EXPECT_EQ(*entry, kShimVaddr);
  EXPECT_EQ(memory->base()[boot::kShimGpa], 0x90);
  // Below kShimGpa (over the sallyport block).
  const auto low =
      make_elf(0, {{PT_LOAD, boot::kBlockGpa, boot::kKernelBase + boot::kBlockGpa, 16, 16}});
  EXPECT_NE(load(low).error().message().find("outside"), std::string::npos);
  // Running into the keep program's place.
  const auto high = make_elf(
      kShimVaddr, {{PT_LOAD, boot::kShimGpa, kShimVaddr, 16, boot::kShimEnd - boot::kShimGpa + 1}});
  EXPECT_NE(load(high).error().message().find("outside"), std::string::npos);
  // Linked somewhere else than kKernelBase + physical.
  const auto moved = make_elf(0x400000, {{PT_LOAD, boot::kShimGpa, 0x400000, 16, 16}});
  EXPECT_NE(load(moved).error().message().find("linked at"), std::string::npos);
  // Entry outside the loaded bytes.
  const auto lost = make_elf(kShimVaddr + 100, {{PT_LOAD, boot::kShimGpa, kShimVaddr, 16, 16}});
  EXPECT_NE(load(lost).error().message().find("entry point"), std::string::npos);
}

TEST(GuestMemoryTest, SizeIsA2MiBMultipleWithinBounds) {
  EXPECT_EQ(*guest_memory_size(32 << 20), uint64_t{32} << 20);
  EXPECT_EQ(*guest_memory_size(uint64_t{3} << 30), uint64_t{3} << 30);
  EXPECT_NE(guest_memory_size((32 << 20) + 4096).error().message().find("multiple of 2 MiB"),
            std::string::npos);
  EXPECT_NE(guest_memory_size((32 << 20) - kTwoMiB).error().message().find("32 MiB to 3 GiB"),
            std::string::npos);
  EXPECT_FALSE(guest_memory_size((uint64_t{3} << 30) + kTwoMiB));
}

}  // namespace
}  // namespace cloister::host::kvm

namespace cloister::host {
namespace {

TEST(CheckKeepProgramTest, StaticPieIsAcceptedDynamicIsRefused) {
  EXPECT_TRUE(check_keep_program(std::string(KVM_GUEST_DIR) + "/fault_program"));
  // Any dynamically linked system program stands in for a sanitizer build.
  auto dynamic = check_keep_program("/bin/sh");
  ASSERT_FALSE(dynamic);
  EXPECT_NE(dynamic.error().message().find("is dynamically linked (a sanitizer build?)"),
            std::string::npos);
  auto missing = check_keep_program("/nonexistent/cloister-keep");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message().find("cannot open the keep program"), std::string::npos);
  EXPECT_FALSE(check_keep_program("/dev/null"));
}

}  // namespace
}  // namespace cloister::host
