// SPDX-License-Identifier: Apache-2.0
//
// Direct I/O (kOpDirect): the host reaching the keep program's buffers
// through the guest's own page tables, in a fake guest RAM built here.
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>
#include <vector>

#include "host/sallyport/guest_pages.h"
#include "sallyport_test_util.h"

namespace cloister::host::sallyport::testing {
namespace {

constexpr uint64_t kP = 1, kW = 2, kU = 4, kPS = 0x80;
constexpr uint64_t kRamSize = 8 << 20;
constexpr uint64_t kCr3 = 0x1000;
// User pages at VA 0x400000: page i -> GPA 0x100000 + i * 4096 for i < 4
// (contiguous), page 4 -> GPA 0x200000 (not contiguous), page 5 read-only,
// page 6 supervisor-only, page 7 points outside RAM; VA 0x40000000 is a
// 2 MiB page at GPA 0x600000.
constexpr uint64_t kUserVa = 0x400000;
constexpr uint64_t kLargeVa = 0x40000000;

class GuestRamTest : public SallyportTest {
 protected:
  void SetUp() override {
    SallyportTest::SetUp();
    ram_.assign(kRamSize, 0);
    entry(0x1000, 0, 0x2000 | kP | kW | kU);          // PML4[0] -> PDPT
    entry(0x2000, 0, 0x3000 | kP | kW | kU);          // PDPT[0] -> PD (VA 0..1 GiB)
    entry(0x2000, 1, 0x5000 | kP | kW | kU);          // PDPT[1] -> PD (VA 1..2 GiB)
    entry(0x3000, 2, 0x4000 | kP | kW | kU);          // PD[2] -> PT (VA 4 MiB)
    entry(0x5000, 0, 0x600000 | kP | kW | kU | kPS);  // 2 MiB page
    for (uint64_t i = 0; i < 4; ++i) entry(0x4000, i, (0x100000 + i * 4096) | kP | kW | kU);
    entry(0x4000, 4, 0x200000 | kP | kW | kU);
    entry(0x4000, 5, 0x201000 | kP | kU);
    entry(0x4000, 6, 0x202000 | kP | kW);
    entry(0x4000, 7, (kRamSize + 0x1000) | kP | kW | kU);
  }
  void entry(uint64_t table, uint64_t index, uint64_t value) {
    std::memcpy(ram_.data() + table + index * 8, &value, 8);
  }
  GuestRam ram() { return {ram_.data(), ram_.size()}; }
  uint8_t* at(uint64_t gpa) { return ram_.data() + gpa; }
  std::vector<uint8_t> ram_;
};

TEST_F(GuestRamTest, ContiguousPagesBecomeOneRangeAndGapsStartANewOne) {
  HostIovecs out;
  ASSERT_TRUE(translate_user_range(ram(), kCr3, kUserVa + 100, 5 * 4096 - 100, true, &out));
  ASSERT_EQ(out.count, 2u);
  EXPECT_EQ(out.iov[0].iov_base, at(0x100000 + 100));
  EXPECT_EQ(out.iov[0].iov_len, 4 * 4096 - 100);
  EXPECT_EQ(out.iov[1].iov_base, at(0x200000));
  EXPECT_EQ(out.iov[1].iov_len, 4096u);
  EXPECT_EQ(out.bytes, 5 * 4096 - 100);
}

TEST_F(GuestRamTest, LargePagesTranslate) {
  HostIovecs out;
  ASSERT_TRUE(translate_user_range(ram(), kCr3, kLargeVa + 0x1234, 0x10000, false, &out));
  ASSERT_EQ(out.count, 1u);
  EXPECT_EQ(out.iov[0].iov_base, at(0x600000 + 0x1234));
}

TEST_F(GuestRamTest, RefusesWhatTheKeepProgramCouldNotTouchItself) {
  HostIovecs out;
  // Read-only page: fine to read from, not to write into.
  EXPECT_TRUE(translate_user_range(ram(), kCr3, kUserVa + 5 * 4096, 16, false, &out));
  EXPECT_FALSE(translate_user_range(ram(), kCr3, kUserVa + 5 * 4096, 16, true, &out));
  // Supervisor-only (the shim's) page, unmapped pages, the kernel half,
  // wrapping ranges, a table entry pointing outside guest RAM.
  EXPECT_FALSE(translate_user_range(ram(), kCr3, kUserVa + 6 * 4096, 16, false, &out));
  EXPECT_FALSE(translate_user_range(ram(), kCr3, kUserVa + 8 * 4096, 16, false, &out));
  EXPECT_FALSE(translate_user_range(ram(), kCr3, 0xffff800000000000, 16, false, &out));
  EXPECT_FALSE(translate_user_range(ram(), kCr3, ~uint64_t{0} - 8, 16, false, &out));
  EXPECT_FALSE(translate_user_range(ram(), kCr3, kUserVa + 7 * 4096, 16, false, &out));
  // A CR3 outside guest RAM.
  EXPECT_FALSE(translate_user_range(ram(), kRamSize + 4096, kUserVa, 16, false, &out));
  // A range crossing from a good page into a bad one is refused whole.
  EXPECT_FALSE(translate_user_range(ram(), kCr3, kUserVa + 5 * 4096 + 4000, 200, true, &out));
}

TEST_F(GuestRamTest, ServerWritesAndReadsTheProgramsBuffersInPlace) {
  int p[2];
  ASSERT_EQ(::pipe(p), 0);
  ASSERT_TRUE(server_.install(5, UniqueFd(p[0])));
  ASSERT_TRUE(server_.install(6, UniqueFd(p[1])));
  // Without guest memory offered, direct requests are refused.
  EXPECT_EQ(call(SYS_write | abi::kOpDirect, {6, kUserVa, 5, 0, 0, kCr3}), -ENOSYS);
  server_.set_guest_memory(ram_.data(), ram_.size());

  std::memcpy(at(0x100000), "hello", 5);
  EXPECT_EQ(call(SYS_write | abi::kOpDirect, {6, kUserVa, 5, 0, 0, kCr3}), 5);
  EXPECT_EQ(call(SYS_read | abi::kOpDirect, {5, kUserVa + 4 * 4096, 64, 0, 0, kCr3}), 5);
  EXPECT_EQ(std::memcmp(at(0x200000), "hello", 5), 0);

  // writev with the iovec array itself in guest memory.
  const uint64_t iov[4] = {kUserVa + 1, 2, kUserVa + 4 * 4096, 5};
  std::memcpy(at(0x101000), iov, sizeof(iov));
  EXPECT_EQ(call(SYS_writev | abi::kOpDirect, {6, kUserVa + 4096, 2, 0, 0, kCr3}), 7);
  char got[8] = {};
  ASSERT_EQ(::read(p[0], got, sizeof got), 7);
  EXPECT_EQ(std::string(got, 7), "elhello");

  // Reading into a read-only page is EFAULT before anything is consumed.
  ASSERT_EQ(::write(p[1], "kept", 4), 4);
  EXPECT_EQ(call(SYS_read | abi::kOpDirect, {5, kUserVa + 5 * 4096, 4, 0, 0, kCr3}), -EFAULT);
  EXPECT_EQ(::read(p[0], got, 4), 4);
  EXPECT_EQ(std::string(got, 4), "kept");

  // Too many iovecs, an ungranted fd, a call that has no direct form.
  EXPECT_EQ(
      call(SYS_writev | abi::kOpDirect, {6, kUserVa + 4096, abi::kMaxDirectIovecs + 1, 0, 0, kCr3}),
      -EFAULT);
  EXPECT_EQ(call(SYS_write | abi::kOpDirect, {9, kUserVa, 5, 0, 0, kCr3}), -EBADF);
  EXPECT_EQ(call(SYS_lseek | abi::kOpDirect, {6, 0, 0, 0, 0, kCr3}), -ENOSYS);
}

}  // namespace
}  // namespace cloister::host::sallyport::testing
