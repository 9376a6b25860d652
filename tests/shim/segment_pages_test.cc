// SPDX-License-Identifier: Apache-2.0
#include "shim/segment_pages.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

namespace cloister::shim {
namespace {

constexpr uint64_t kPage = 4096;

ElfImage image_of(std::vector<ElfSegment> segments) {
  ElfImage image{};
  for (const ElfSegment& s : segments) image.segments[image.segment_count++] = s;
  return image;
}

// Every page of every segment: the fast run agrees with plan_page, and no
// file page is in place for two pages. Returns how many pages are in place.
uint64_t check_all_pages(const ElfImage& image) {
  std::set<uint64_t> owned;
  uint64_t in_place = 0;
  for (int i = 0; i < image.segment_count; ++i) {
    const ElfSegment& s = image.segments[i];
    const uint64_t pbase = s.vaddr & ~(kPage - 1), fbase = s.offset & ~(kPage - 1);
    uint64_t from, to;
    in_place_run(image, i, &from, &to);
    for (uint64_t p = pbase; p < s.vaddr + s.memsz; p += kPage) {
      const PagePlan plan = plan_page(image, i, p);
      EXPECT_EQ(plan.file_page, fbase + (p - pbase));
      if (p >= from && p < to) {
        EXPECT_TRUE(plan.in_place) << "segment " << i << " page " << p;
        EXPECT_EQ(plan.data_from, p);
        EXPECT_EQ(plan.data_to, p + kPage);
      }
      if (plan.in_place) {
        EXPECT_TRUE(owned.insert(plan.file_page).second)
            << "file page used twice: " << plan.file_page;
        ++in_place;
      }
    }
  }
  return in_place;
}

TEST(SegmentPages, ASharedFilePageIsCopiedForBothSegments) {
  // Like the real keep: rodata ends in file page 0x3000 and data starts in
  // it (one page higher in memory).
  const ElfImage image = image_of({
      {0x0, 0x3800, 0x0, 0x3800, kElfRead},
      {0x4900, 0x2000, 0x3900, 0x1000, kElfRead | kElfWrite},
  });
  // In place: rodata's first three pages, and data's page 0x5000 (file page
  // 0x4000 is data's alone; its tail past the file bytes is bss).
  EXPECT_EQ(check_all_pages(image), 4u);
  EXPECT_FALSE(plan_page(image, 0, 0x3000).in_place);
  EXPECT_FALSE(plan_page(image, 1, 0x4000).in_place);
  const PagePlan tail = plan_page(image, 1, 0x5000);
  EXPECT_TRUE(tail.in_place);
  EXPECT_EQ(tail.data_from, 0x5000u);
  EXPECT_EQ(tail.data_to, 0x5900u);
  EXPECT_FALSE(plan_page(image, 1, 0x6000).in_place);  // all bss
  uint64_t from, to;
  in_place_run(image, 0, &from, &to);
  EXPECT_EQ(from, 0u);
  EXPECT_EQ(to, 0x3000u);
}

TEST(SegmentPages, ASegmentWhoseFileBytesHoldAnotherOneIsCopiedWhereTheyMeet) {
  // A hostile layout: segment 1's file bytes lie inside segment 0's.
  const ElfImage image = image_of({
      {0x0, 0x8000, 0x0, 0x8000, kElfRead},
      {0x10000, 0x1000, 0x3000, 0x1000, kElfRead | kElfWrite},
  });
  check_all_pages(image);
  EXPECT_FALSE(plan_page(image, 0, 0x3000).in_place);
  EXPECT_FALSE(plan_page(image, 1, 0x10000).in_place);
  uint64_t from, to;
  in_place_run(image, 0, &from, &to);
  EXPECT_EQ(from, to);  // no fast run at all: page by page
}

// The keep program as built: nearly every page is mapped in place.
TEST(SegmentPages, TheBuiltKeepProgramIsMostlyMappedInPlace) {
  std::ifstream in(std::string(CLOISTER_BINARY_DIR) + "/cloister-keep", std::ios::binary);
  if (!in) GTEST_SKIP() << "cloister-keep is not built";
  const std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(in), {}};
  ElfImage image;
  if (parse_elf(bytes.data(), bytes.size(), &image) != nullptr) {
    GTEST_SKIP() << "this build's keep program is not a static PIE (a sanitizer build)";
  }
  uint64_t pages = 0;
  for (int i = 0; i < image.segment_count; ++i) {
    const ElfSegment& s = image.segments[i];
    pages += ((s.vaddr + s.memsz + kPage - 1) / kPage) - s.vaddr / kPage;
  }
  const uint64_t in_place = check_all_pages(image);
  EXPECT_GT(in_place * 10, pages * 8) << in_place << " of " << pages;
}

}  // namespace
}  // namespace cloister::shim
