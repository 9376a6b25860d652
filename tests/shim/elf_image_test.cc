// SPDX-License-Identifier: Apache-2.0
#include "shim/elf_image.h"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace cloister::shim {
namespace {

struct Phdr {
  uint32_t type, flags;
  uint64_t offset, vaddr, filesz, memsz;
};

void put(std::vector<uint8_t>& b, uint64_t off, uint64_t v, int n) {
  for (int i = 0; i < n; ++i) b[off + i] = static_cast<uint8_t>(v >> (8 * i));
}

// A minimal ELF64 file: the header, then the program headers at offset 64,
// padded to `size` bytes.
std::vector<uint8_t> make_elf(const std::vector<Phdr>& phdrs, uint16_t type = 3,
                              uint64_t entry = 0x1000, uint64_t size = 0x3000) {
  std::vector<uint8_t> b(size);
  const uint8_t ident[] = {0x7f, 'E', 'L', 'F', 2, 1, 1};
  std::memcpy(b.data(), ident, sizeof(ident));
  put(b, 16, type, 2);
  put(b, 18, 62, 2);
  put(b, 20, 1, 4);
  put(b, 24, entry, 8);
  put(b, 32, 64, 8);
  put(b, 52, 64, 2);
  put(b, 54, 56, 2);
  put(b, 56, phdrs.size(), 2);
  for (size_t i = 0; i < phdrs.size(); ++i) {
    const uint64_t o = 64 + 56 * i;
    put(b, o, phdrs[i].type, 4);
    put(b, o + 4, phdrs[i].flags, 4);
    put(b, o + 8, phdrs[i].offset, 8);
    put(b, o + 16, phdrs[i].vaddr, 8);
    put(b, o + 24, phdrs[i].vaddr, 8);
    put(b, o + 32, phdrs[i].filesz, 8);
    put(b, o + 40, phdrs[i].memsz, 8);
  }
  return b;
}

const Phdr kHeaders{1, kElfRead, 0, 0, 0x400, 0x400};
const Phdr kText{1, kElfRead | kElfExec, 0x1000, 0x1000, 0x800, 0x800};
const Phdr kData{1, kElfRead | kElfWrite, 0x2000, 0x2000, 0x100, 0x5000};

std::string parse(const std::vector<uint8_t>& b, ElfImage* image) {
  const char* e = parse_elf(b.data(), b.size(), image);
  return e == nullptr ? "" : e;
}

TEST(ElfImage, AcceptsAStaticPie) {
  ElfImage image;
  ASSERT_EQ(parse(make_elf({kHeaders, kText, kData}), &image), "");
  EXPECT_EQ(image.segment_count, 3);
  EXPECT_EQ(image.entry, 0x1000u);
  EXPECT_EQ(image.phdr_vaddr, 64u);
  EXPECT_EQ(image.phnum, 3u);
  EXPECT_EQ(image.span, 0x7000u);
  EXPECT_EQ(image.segments[2].memsz, 0x5000u);
}

TEST(ElfImage, RefusesWhatIsNotAStaticPie) {
  ElfImage image;
  EXPECT_NE(parse(make_elf({kHeaders, kText}, 2), &image).find("-static-pie"), std::string::npos);
  const Phdr interp{3, kElfRead, 0x200, 0x200, 0x10, 0x10};
  EXPECT_NE(parse(make_elf({kHeaders, interp, kText}), &image).find("dynamically linked"),
            std::string::npos);
  auto not_elf = make_elf({kHeaders, kText});
  not_elf[1] = 'X';
  EXPECT_NE(parse(not_elf, &image), "");
  auto big_endian = make_elf({kHeaders, kText});
  big_endian[5] = 2;
  EXPECT_NE(parse(big_endian, &image), "");
}

TEST(ElfImage, RefusesWritableAndExecutableSegments) {
  Phdr wx = kText;
  wx.flags = kElfRead | kElfWrite | kElfExec;
  ElfImage image;
  EXPECT_NE(parse(make_elf({kHeaders, wx}), &image).find("W^X"), std::string::npos);
}

TEST(ElfImage, RefusesHeadersOutsideTheFile) {
  ElfImage image;
  const auto good = make_elf({kHeaders, kText, kData});
  for (uint64_t size = 0; size < 64 + 56 * 3; size += 7) {
    EXPECT_NE(parse_elf(good.data(), size, &image), nullptr) << size;
  }
  Phdr past_end = kText;
  past_end.filesz = 0x10000;
  past_end.memsz = 0x10000;
  EXPECT_NE(parse(make_elf({kHeaders, past_end}), &image), "");
  Phdr wraps = kText;
  wraps.offset = ~uint64_t{0} - 0x10;
  EXPECT_NE(parse(make_elf({kHeaders, wraps}), &image), "");
  auto many = make_elf({kHeaders, kText});
  put(many, 56, 0xFFFF, 2);  // e_phnum beyond the file
  EXPECT_NE(parse(many, &image), "");
}

TEST(ElfImage, RefusesBadSegmentLayouts) {
  ElfImage image;
  Phdr fat = kData;
  fat.filesz = fat.memsz + 1;
  EXPECT_NE(parse(make_elf({kHeaders, kText, fat}), &image), "");
  Phdr far = kData;
  far.vaddr = kMaxImageSpan;
  EXPECT_NE(parse(make_elf({kHeaders, kText, far}), &image), "");
  Phdr misaligned = kData;
  misaligned.vaddr = 0x2800;
  EXPECT_NE(parse(make_elf({kHeaders, kText, misaligned}), &image), "");
  Phdr shares_page = kData;  // same page as the end of kText
  shares_page.vaddr = 0x1000 + 0x800 + 0x1000 * 0;
  shares_page.offset = 0x1800;
  EXPECT_NE(parse(make_elf({kHeaders, kText, shares_page}), &image).find("overlap"),
            std::string::npos);
  EXPECT_NE(parse(make_elf({kHeaders, kData, kText}), &image), "");  // out of order
  // The entry point must be in executable memory.
  EXPECT_NE(parse(make_elf({kHeaders, kText, kData}, 3, 0x2000), &image).find("entry"),
            std::string::npos);
  // The headers themselves must be loaded (AT_PHDR).
  EXPECT_NE(parse(make_elf({kText, kData}), &image).find("program headers"), std::string::npos);
}

// The real keep program, as built: the shim must accept it.
TEST(ElfImage, AcceptsTheBuiltKeepProgram) {
  std::ifstream in(std::string(CLOISTER_BINARY_DIR) + "/cloister-keep", std::ios::binary);
  if (!in) GTEST_SKIP() << "cloister-keep is not built";
  const std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(in), {}};
  ElfImage image;
  const char* error = parse_elf(bytes.data(), bytes.size(), &image);
#if !CLOISTER_KEEP_IS_STATIC
  // Sanitizer and fuzz builds link the keep program dynamically; the shim
  // says so.
  ASSERT_NE(error, nullptr);
#else
  ASSERT_EQ(error, nullptr) << error;
  EXPECT_GE(image.segment_count, 2);
#endif
}

}  // namespace
}  // namespace cloister::shim
