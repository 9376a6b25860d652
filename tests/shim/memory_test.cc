// SPDX-License-Identifier: Apache-2.0
//
// The shim's memory syscalls, page tables, allocator and user access, run on
// the host over a fake guest RAM (fake_guest.h).
#include <asm-generic/errno.h>
#include <gtest/gtest.h>
#include <linux/mman.h>

#include <cstring>
#include <vector>

#include "fake_guest.h"
#include "shim/address_space.h"
#include "shim/layout.h"
#include "shim/page_alloc.h"
#include "shim/page_tables.h"
#include "shim/paging.h"
#include "shim/stack_growth.h"
#include "shim/sys_memory.h"
#include "shim/user_access.h"

namespace cloister::shim {
namespace {

constexpr uint64_t kBrkStart = 0x10000000;
constexpr uint64_t kMmapFloor = 0x200000000;
constexpr uint64_t kMmapTop = 0x300000000;
constexpr uint64_t kAnon = MAP_PRIVATE | MAP_ANONYMOUS;
constexpr uint64_t kRw = PROT_READ | PROT_WRITE;

class MemoryTest : public ::testing::Test {
 protected:
  explicit MemoryTest(uint64_t pages = 4096) : guest_(pages) {
    brk_init(kBrkStart, kBrkStart + (uint64_t{1} << 30));
    mmap_area_init(kMmapFloor, kMmapTop);
  }

  // mmap of anonymous private memory; the result as an address or -errno.
  int64_t map(uint64_t len, uint64_t prot = kRw, uint64_t flags = kAnon, uint64_t addr = 0) {
    return sys_mmap(addr, len, prot, flags, ~uint64_t{0}, 0);
  }

  bool write(uint64_t va, uint8_t byte, uint64_t n) {
    std::vector<uint8_t> bytes(n, byte);
    return copy_to_user(va, bytes.data(), n);
  }
  // Whether [va, va+n) reads back as n copies of `byte`.
  bool holds(uint64_t va, uint8_t byte, uint64_t n) {
    std::vector<uint8_t> bytes(n);
    if (!copy_from_user(bytes.data(), va, n)) return false;
    for (uint8_t b : bytes) {
      if (b != byte) return false;
    }
    return true;
  }
  bool readable(uint64_t va) {
    uint8_t b;
    return copy_from_user(&b, va, 1);
  }

  testing::FakeGuest guest_;
};

TEST_F(MemoryTest, MmapGivesZeroedMemoryThatMunmapTakesAway) {
  const int64_t a = map(3 * kPageSize + 1);
  ASSERT_GT(a, 0);
  const auto va = static_cast<uint64_t>(a);
  EXPECT_EQ(va % kPageSize, 0u);
  EXPECT_GE(va, kMmapFloor);
  EXPECT_LT(va + 4 * kPageSize, kMmapTop + 1);
  EXPECT_TRUE(holds(va, 0, 4 * kPageSize));  // rounded up to 4 pages
  EXPECT_TRUE(write(va + 100, 0x5a, 3 * kPageSize));
  EXPECT_TRUE(holds(va + 100, 0x5a, 3 * kPageSize));
  EXPECT_EQ(sys_munmap(va + kPageSize, 2 * kPageSize), 0);
  EXPECT_TRUE(readable(va));
  EXPECT_FALSE(readable(va + kPageSize));
  EXPECT_FALSE(readable(va + 2 * kPageSize));
  EXPECT_TRUE(readable(va + 3 * kPageSize));
  // A second mapping does not overlap the first.
  const int64_t b = map(kPageSize);
  ASSERT_GT(b, 0);
  EXPECT_TRUE(static_cast<uint64_t>(b) + kPageSize <= va ||
              static_cast<uint64_t>(b) >= va + 4 * kPageSize);
}

TEST_F(MemoryTest, MmapRefusesWhatTheShimDoesNotOffer) {
  EXPECT_EQ(map(kPageSize, PROT_READ | PROT_WRITE | PROT_EXEC), -EACCES);  // W^X
  EXPECT_EQ(map(kPageSize, kRw, MAP_SHARED | MAP_ANONYMOUS), -ENODEV);
  EXPECT_EQ(map(kPageSize, kRw, MAP_PRIVATE), -ENODEV);  // a file
  EXPECT_EQ(map(0), -EINVAL);
  EXPECT_EQ(map(kPageSize, 0x100), -EINVAL);  // unknown protection bit
  EXPECT_EQ(map(kPageSize, kRw, kAnon | MAP_FIXED, 0x12345), -EINVAL);
  EXPECT_EQ(map(kPageSize, kRw, kAnon | MAP_FIXED, kUserTop), -ENOMEM);
  EXPECT_EQ(map(~uint64_t{0} - 10), -ENOMEM);
  EXPECT_EQ(sys_munmap(0x1001, kPageSize), -EINVAL);
}

TEST_F(MemoryTest, HugeEmptyRangesAreCrossedInFewSteps) {
  // A terabyte with nothing in it: munmap/mprotect/madvise answer without
  // visiting it 2 MiB at a time (which would take seconds where ring 0 is
  // emulated), and a mapping inside it is still found.
  const uint64_t va = 0x100000000000, tb = uint64_t{1} << 40;
  ASSERT_EQ(map(kPageSize, kRw, kAnon | MAP_FIXED, va + tb / 2), static_cast<int64_t>(va + tb / 2));
  EXPECT_TRUE(range_free(va, tb / 2));
  uint64_t conflict = 0;
  EXPECT_FALSE(range_free(va, tb, &conflict));
  EXPECT_EQ(conflict, va + tb / 2);
  EXPECT_EQ(sys_mprotect(va, tb, PROT_READ), -ENOMEM);
  EXPECT_EQ(sys_munmap(va, tb), 0);
  EXPECT_FALSE(readable(va + tb / 2));
  EXPECT_TRUE(range_free(va, tb));
}

TEST_F(MemoryTest, FixedMappingsReplaceOrRefuse) {
  const uint64_t va = 0x40000000;
  ASSERT_EQ(map(2 * kPageSize, kRw, kAnon | MAP_FIXED, va), static_cast<int64_t>(va));
  ASSERT_TRUE(write(va, 0x11, 2 * kPageSize));
  EXPECT_EQ(map(kPageSize, kRw, kAnon | MAP_FIXED_NOREPLACE, va + kPageSize), -EEXIST);
  EXPECT_TRUE(holds(va, 0x11, 2 * kPageSize));
  EXPECT_EQ(map(kPageSize, kRw, kAnon | MAP_FIXED, va + kPageSize),
            static_cast<int64_t>(va + kPageSize));
  EXPECT_TRUE(holds(va, 0x11, kPageSize));
  EXPECT_TRUE(holds(va + kPageSize, 0, kPageSize));  // the replaced page is fresh
}

TEST_F(MemoryTest, MprotectChangesAccessAndKeepsContents) {
  const auto va = static_cast<uint64_t>(map(2 * kPageSize));
  ASSERT_TRUE(write(va, 0x77, 2 * kPageSize));
  EXPECT_EQ(sys_mprotect(va, kPageSize, PROT_NONE), 0);
  EXPECT_FALSE(readable(va));
  EXPECT_TRUE(readable(va + kPageSize));
  EXPECT_EQ(sys_mprotect(va, kPageSize, PROT_READ), 0);
  EXPECT_TRUE(holds(va, 0x77, kPageSize));
  EXPECT_FALSE(write(va, 1, 1));  // read-only
  EXPECT_EQ(sys_mprotect(va, 2 * kPageSize, PROT_WRITE | PROT_EXEC), -EACCES);
  EXPECT_EQ(sys_mprotect(va, 3 * kPageSize, PROT_READ), -ENOMEM);  // runs past the mapping
  EXPECT_EQ(sys_mprotect(va + 1, kPageSize, PROT_READ), -EINVAL);
  // PROT_NONE from the start: not accessible, but mapped.
  const auto none = static_cast<uint64_t>(map(kPageSize, PROT_NONE));
  EXPECT_FALSE(readable(none));
  EXPECT_EQ(sys_mprotect(none, kPageSize, kRw), 0);
  EXPECT_TRUE(holds(none, 0, kPageSize));
}

TEST_F(MemoryTest, MremapGrowsShrinksAndMovesWithTheContents) {
  const auto va = static_cast<uint64_t>(map(2 * kPageSize));
  ASSERT_TRUE(write(va, 0x42, 2 * kPageSize));
  // The mmap area is handed out top down, so the space above `va` is the
  // previous mapping: make one there to block growing in place.
  const int64_t moved = sys_mremap(va, 2 * kPageSize, 10 * kPageSize, MREMAP_MAYMOVE, 0);
  ASSERT_GT(moved, 0);
  const auto nv = static_cast<uint64_t>(moved);
  EXPECT_TRUE(holds(nv, 0x42, 2 * kPageSize));
  EXPECT_TRUE(holds(nv + 2 * kPageSize, 0, 8 * kPageSize));
  if (nv != va) {
    EXPECT_FALSE(readable(va));
  }
  // Shrinking stays in place and unmaps the tail.
  EXPECT_EQ(sys_mremap(nv, 10 * kPageSize, kPageSize, 0, 0), moved);
  EXPECT_FALSE(readable(nv + kPageSize));
  // Growing without MAYMOVE where the next page is taken fails.
  const uint64_t fixed = 0x50000000;
  ASSERT_EQ(map(2 * kPageSize, kRw, kAnon | MAP_FIXED, fixed), static_cast<int64_t>(fixed));
  ASSERT_EQ(sys_munmap(fixed + kPageSize, kPageSize), 0);
  ASSERT_EQ(map(kPageSize, kRw, kAnon | MAP_FIXED, fixed + 2 * kPageSize),
            static_cast<int64_t>(fixed + 2 * kPageSize));
  EXPECT_EQ(sys_mremap(fixed, kPageSize, 2 * kPageSize, 0, 0), static_cast<int64_t>(fixed));
  EXPECT_EQ(sys_mremap(fixed, 2 * kPageSize, 3 * kPageSize, 0, 0), -ENOMEM);
  EXPECT_EQ(sys_mremap(fixed, kPageSize, 2 * kPageSize, MREMAP_FIXED | MREMAP_MAYMOVE, 0), -EINVAL);
  EXPECT_EQ(sys_mremap(0x60000000, kPageSize, 2 * kPageSize, MREMAP_MAYMOVE, 0), -EFAULT);
}

TEST_F(MemoryTest, MadviseDontneedReadsBackAsZero) {
  const auto va = static_cast<uint64_t>(map(2 * kPageSize));
  ASSERT_TRUE(write(va, 0x99, 2 * kPageSize));
  EXPECT_EQ(sys_madvise(va, kPageSize, MADV_WILLNEED), 0);
  EXPECT_TRUE(holds(va, 0x99, kPageSize));
  EXPECT_EQ(sys_madvise(va, kPageSize, MADV_DONTNEED), 0);
  EXPECT_TRUE(holds(va, 0, kPageSize));
  EXPECT_TRUE(holds(va + kPageSize, 0x99, kPageSize));
  EXPECT_EQ(sys_madvise(va, kPageSize, 12345), -EINVAL);
  EXPECT_EQ(sys_madvise(va, 4 * kPageSize, MADV_DONTNEED), -ENOMEM);
}

TEST_F(MemoryTest, BrkGrowsAndShrinksWithinItsArea) {
  EXPECT_EQ(sys_brk(0), static_cast<int64_t>(kBrkStart));
  const uint64_t up = kBrkStart + 3 * kPageSize + 10;
  EXPECT_EQ(sys_brk(up), static_cast<int64_t>(up));
  EXPECT_TRUE(write(kBrkStart, 0x33, 3 * kPageSize + 10));
  EXPECT_TRUE(readable(up));  // the rest of the last page
  EXPECT_EQ(sys_brk(kBrkStart + kPageSize), static_cast<int64_t>(kBrkStart + kPageSize));
  EXPECT_TRUE(holds(kBrkStart, 0x33, kPageSize));
  EXPECT_FALSE(readable(kBrkStart + kPageSize));
  // Growing again gives zeroed memory where the old heap was (calloc
  // relies on it).
  EXPECT_EQ(sys_brk(up), static_cast<int64_t>(up));
  EXPECT_TRUE(holds(kBrkStart, 0x33, kPageSize));
  EXPECT_TRUE(holds(kBrkStart + kPageSize, 0, 2 * kPageSize));
  // Outside the area the break stays where it is.
  EXPECT_EQ(sys_brk(kBrkStart - 1), static_cast<int64_t>(up));
  EXPECT_EQ(sys_brk(kBrkStart + (uint64_t{2} << 30)), static_cast<int64_t>(up));
}

TEST_F(MemoryTest, TheStackGrowsOnlyForMissingPagesInItsReserve) {
  const uint64_t top = 0x7ff000000000, reserve = top - (uint64_t{8} << 20),
                 mapped = top - (uint64_t{128} << 10);
  ASSERT_TRUE(map_zeroed(mapped, top - mapped, pte_flags_for_prot(kRw)));
  stack_growth_init(reserve, mapped);
  const uint64_t not_present_write = 0x6;
  EXPECT_FALSE(readable(mapped - 8));
  EXPECT_TRUE(user_page_fault(mapped - 8, not_present_write));
  EXPECT_TRUE(holds(mapped - (uint64_t{256} << 10), 0, uint64_t{256} << 10));
  EXPECT_FALSE(user_page_fault(mapped - 8, not_present_write | 1));  // a protection fault
  EXPECT_FALSE(user_page_fault(reserve - 8, not_present_write));     // below the reserve
  EXPECT_FALSE(user_page_fault(0x1000, not_present_write));
  EXPECT_TRUE(user_page_fault(reserve, not_present_write));  // all the way down
  EXPECT_TRUE(readable(reserve));
}

TEST_F(MemoryTest, UserAccessRefusesWhatIsNotMappedUserMemory) {
  const auto va = static_cast<uint64_t>(map(kPageSize));
  uint8_t buf[16] = {};
  EXPECT_FALSE(copy_from_user(buf, va + kPageSize - 8, 16));  // runs off the mapping
  EXPECT_FALSE(copy_from_user(buf, kUserTop - 8, 16));
  EXPECT_FALSE(copy_from_user(buf, ~uint64_t{0} - 4, 16));
  EXPECT_TRUE(copy_from_user(buf, va, 0));
  ASSERT_TRUE(write(va, 'a', kPageSize));
  char name[64];
  EXPECT_EQ(copy_string_from_user(name, va, sizeof(name)), -ENAMETOOLONG);
  EXPECT_EQ(copy_string_from_user(name, va + kPageSize - 4, sizeof(name)), -EFAULT);
  const char text[] = "keep";
  ASSERT_TRUE(copy_to_user(va + 100, text, sizeof(text)));
  EXPECT_EQ(copy_string_from_user(name, va + 98, sizeof(name)), 6);
  EXPECT_STREQ(name, "aakeep");
}

// A guest so small that memory runs out: mappings fail cleanly, leave
// nothing behind, and freed pages come back zeroed.
class SmallGuestTest : public MemoryTest {
 protected:
  SmallGuestTest() : MemoryTest(96) {}
};

TEST_F(SmallGuestTest, RunningOutOfPagesFailsCleanlyAndFreedPagesComeBackZeroed) {
  EXPECT_EQ(map(200 * kPageSize), -ENOMEM);
  EXPECT_EQ(map(uint64_t{1} << 40, kRw, kAnon | MAP_NORESERVE), -ENOMEM);
  // Just more than is left: fails without taking anything.
  const uint64_t left = pages_available();
  EXPECT_EQ(map((left + 1) * kPageSize), -ENOMEM);
  EXPECT_EQ(pages_available(), left);
  const uint64_t before = pages_available();
  const int64_t a = map(40 * kPageSize);
  ASSERT_GT(a, 0);
  ASSERT_TRUE(write(static_cast<uint64_t>(a), 0xee, 40 * kPageSize));
  ASSERT_EQ(sys_munmap(static_cast<uint64_t>(a), 40 * kPageSize), 0);
  // Use up the fresh pages so the next mapping is made of recycled ones.
  const int64_t b = map(pages_available() * kPageSize - 40 * kPageSize - 8 * kPageSize);
  ASSERT_GT(b, 0);
  const int64_t c = map(40 * kPageSize);
  ASSERT_GT(c, 0);
  EXPECT_TRUE(holds(static_cast<uint64_t>(c), 0, 40 * kPageSize));
  EXPECT_LT(pages_available(), before);
}

// Large mappings use 2 MiB pages for their whole, aligned 2 MiB pieces; every
// operation that touches part of one splits it first and keeps the contents.
class HugePageTest : public MemoryTest {
 protected:
  HugePageTest() : MemoryTest(16384) {}  // 64 MiB

  bool huge_at(uint64_t va) {
    uint64_t entry, gpa;
    return user_lookup(va, &entry, &gpa) && (entry & kPteHuge) != 0;
  }
};

TEST_F(HugePageTest, LargeMappingsUseHugePagesAndPartialChangesSplitThem) {
  const uint64_t len = 3 * kHugePageSize + 2 * kPageSize;
  const int64_t a = map(len);
  ASSERT_GT(a, 0);
  const auto va = static_cast<uint64_t>(a);
  EXPECT_EQ(va % kHugePageSize, 0u);
  EXPECT_TRUE(huge_at(va));
  EXPECT_TRUE(huge_at(va + 2 * kHugePageSize + 5));
  EXPECT_FALSE(huge_at(va + 3 * kHugePageSize));  // the 8 KiB tail: 4 KiB pages
  EXPECT_TRUE(holds(va, 0, len));
  ASSERT_TRUE(write(va, 0x61, len));
  // munmap of one page inside a 2 MiB page.
  EXPECT_EQ(sys_munmap(va + kHugePageSize + 3 * kPageSize, kPageSize), 0);
  EXPECT_FALSE(huge_at(va + kHugePageSize));
  EXPECT_FALSE(readable(va + kHugePageSize + 3 * kPageSize));
  EXPECT_TRUE(holds(va + kHugePageSize, 0x61, 3 * kPageSize));
  EXPECT_TRUE(holds(va + kHugePageSize + 4 * kPageSize, 0x61, kHugePageSize - 4 * kPageSize));
  EXPECT_TRUE(huge_at(va));  // the others stay whole
  // mprotect of part of one, and of a whole one.
  EXPECT_EQ(sys_mprotect(va + 2 * kHugePageSize, kPageSize, PROT_READ), 0);
  EXPECT_FALSE(write(va + 2 * kHugePageSize, 1, 1));
  EXPECT_TRUE(write(va + 2 * kHugePageSize + kPageSize, 0x62, 1));
  EXPECT_EQ(sys_mprotect(va, kHugePageSize, PROT_READ), 0);
  EXPECT_TRUE(huge_at(va));
  EXPECT_FALSE(write(va + 100, 1, 1));
  EXPECT_TRUE(holds(va, 0x61, kHugePageSize));
  // madvise(DONTNEED) on part of one zeroes only that part.
  ASSERT_EQ(sys_mprotect(va, kHugePageSize, kRw), 0);
  EXPECT_EQ(sys_madvise(va + kPageSize, kPageSize, MADV_DONTNEED), 0);
  EXPECT_TRUE(holds(va, 0x61, kPageSize));
  EXPECT_TRUE(holds(va + kPageSize, 0, kPageSize));
  EXPECT_TRUE(holds(va + 2 * kPageSize, 0x61, kPageSize));
}

TEST_F(HugePageTest, MremapMovesHugePagesWholeWithTheirContents) {
  const uint64_t len = 2 * kHugePageSize;
  const auto va = static_cast<uint64_t>(map(len));
  ASSERT_TRUE(write(va, 0x71, len));
  // The area below is handed out next: block growing in place by mapping
  // right after `va` first.
  ASSERT_EQ(map(kPageSize, kRw, kAnon | MAP_FIXED, va + len), static_cast<int64_t>(va + len));
  const int64_t moved = sys_mremap(va, len, 2 * len, MREMAP_MAYMOVE, 0);
  ASSERT_GT(moved, 0);
  const auto nv = static_cast<uint64_t>(moved);
  EXPECT_NE(nv, va);
  EXPECT_TRUE(huge_at(nv));
  EXPECT_TRUE(huge_at(nv + kHugePageSize));
  EXPECT_TRUE(holds(nv, 0x71, len));
  EXPECT_TRUE(holds(nv + len, 0, len));
  EXPECT_FALSE(readable(va));
  EXPECT_FALSE(readable(va + kHugePageSize));
}

TEST_F(HugePageTest, TheHeapGrowsIn2MiBPieces) {
  const uint64_t start = 0x10000000 + 5 * kPageSize;
  brk_init(start, start + (uint64_t{1} << 30));
  ASSERT_EQ(sys_brk(start + 10), static_cast<int64_t>(start + 10));
  EXPECT_TRUE(readable(start + kHugePageSize - 6 * kPageSize));  // mapped ahead to 2 MiB
  const uint64_t big = start + 3 * kHugePageSize;
  ASSERT_EQ(sys_brk(big), static_cast<int64_t>(big));
  EXPECT_TRUE(huge_at(0x10000000 + kHugePageSize));
  EXPECT_TRUE(huge_at(0x10000000 + 2 * kHugePageSize));
  ASSERT_TRUE(write(start, 0x44, big - start));
  // Shrinking into a 2 MiB page splits it; growing back gives zeroes.
  const uint64_t low = start + kHugePageSize;
  ASSERT_EQ(sys_brk(low), static_cast<int64_t>(low));
  EXPECT_FALSE(readable(page_up(low)));
  ASSERT_EQ(sys_brk(big), static_cast<int64_t>(big));
  EXPECT_TRUE(holds(start, 0x44, low - start));
  EXPECT_TRUE(holds(page_up(low), 0, big - page_up(low)));
}

TEST_F(HugePageTest, UnmappingEverythingGivesEveryPageBack) {
  const uint64_t before = pages_available();
  const uint64_t len = 5 * kHugePageSize + 7 * kPageSize;
  const auto va = static_cast<uint64_t>(map(len));
  ASSERT_TRUE(write(va, 0x5, len));
  EXPECT_LT(pages_available(), before - len / kPageSize + 1);
  ASSERT_EQ(sys_munmap(va, len), 0);
  EXPECT_FALSE(readable(va));
  // Page tables made on the way (PDPT, PD) stay; everything else is back.
  EXPECT_GE(pages_available(), before - 3);
  // And is handed out again zeroed.
  const auto again = static_cast<uint64_t>(map(len));
  EXPECT_TRUE(holds(again, 0, len));
}

}  // namespace
}  // namespace cloister::shim
