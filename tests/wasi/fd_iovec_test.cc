// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include <cstring>

#include "wasi/iovec.h"
#include "wasm/runtime.h"

namespace cloister::wasi {
namespace {

class IovecTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto m = store_.create_memory(wasm::MemoryType{{1, 1}});
    ASSERT_TRUE(m.has_value());
    memory_ = *m;
  }
  void put_iov(uint32_t at, uint32_t buf, uint32_t len) {
    std::memcpy(memory_->data() + at, &buf, 4);
    std::memcpy(memory_->data() + at + 4, &len, 4);
  }
  wasm::Store store_;
  wasm::MemoryInst* memory_ = nullptr;
};

constexpr uint32_t kPage = 65536;

TEST_F(IovecTest, PointsIntoGuestMemory) {
  GuestMemory mem(memory_);
  put_iov(0, 100, 5);
  put_iov(8, 200, 0);
  put_iov(16, kPage - 3, 3);
  auto r = gather_iovecs(mem, 0, 3);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].iov_base, memory_->data() + 100);
  EXPECT_EQ((*r)[0].iov_len, 5u);
  EXPECT_EQ((*r)[1].iov_len, 0u);
  EXPECT_EQ((*r)[2].iov_base, memory_->data() + kPage - 3);
  EXPECT_EQ(iovec_total(*r), 8u);
}

TEST_F(IovecTest, EmptyListIsEmpty) {
  GuestMemory mem(memory_);
  auto r = gather_iovecs(mem, kPage, 0);  // a zero-length array at the very end is in bounds
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
}

TEST_F(IovecTest, BufferOutsideMemoryIsFault) {
  GuestMemory mem(memory_);
  put_iov(0, 100, 5);
  put_iov(8, kPage - 3, 4);  // one byte past the end
  auto r = gather_iovecs(mem, 0, 2);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), Errno::Fault);
  put_iov(8, 0xFFFFFFFF, 0xFFFFFFFF);  // ptr + len overflows 32 bits
  EXPECT_EQ(gather_iovecs(mem, 0, 2).error(), Errno::Fault);
}

TEST_F(IovecTest, ArrayOutsideMemoryIsFault) {
  GuestMemory mem(memory_);
  EXPECT_EQ(gather_iovecs(mem, kPage - 8, 2).error(), Errno::Fault);
  EXPECT_EQ(gather_iovecs(mem, 0xFFFFFFF8, 1).error(), Errno::Fault);
  GuestMemory none(nullptr);
  EXPECT_EQ(gather_iovecs(none, 0, 1).error(), Errno::Fault);
}

TEST_F(IovecTest, TooManyIsInval) {
  GuestMemory mem(memory_);
  // All-zero records are valid empty buffers: only the count is wrong.
  EXPECT_TRUE(gather_iovecs(mem, 0, kMaxIovecs).ok());
  EXPECT_EQ(gather_iovecs(mem, 0, kMaxIovecs + 1).error(), Errno::Inval);
  EXPECT_EQ(gather_iovecs(mem, 0, 0xFFFFFFFF).error(), Errno::Inval);
}

TEST_F(IovecTest, TotalIsCapped) {
  GuestMemory mem(memory_);
  put_iov(0, 100, 6);
  put_iov(8, 200, 6);
  put_iov(16, 300, 6);
  put_iov(24, kPage, 1);  // out of bounds even though past the cap
  EXPECT_EQ(gather_iovecs(mem, 0, 4, 10).error(), Errno::Fault);
  auto r = gather_iovecs(mem, 0, 3, 10);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].iov_len, 6u);
  EXPECT_EQ((*r)[1].iov_base, memory_->data() + 200);
  EXPECT_EQ((*r)[1].iov_len, 4u);
  EXPECT_EQ(iovec_total(*r), 10u);
}

TEST_F(IovecTest, DefaultCapIsU32) {
  // Repeating one 64 KiB buffer 1024 times describes 64 MiB: under the cap.
  GuestMemory mem(memory_);
  for (uint32_t i = 0; i < kMaxIovecs; ++i) put_iov(i * 8, 0, kPage);
  auto r = gather_iovecs(mem, 0, kMaxIovecs);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->size(), kMaxIovecs);
  EXPECT_EQ(iovec_total(*r), uint64_t{kMaxIovecs} * kPage);
  EXPECT_EQ(kMaxTransfer, uint64_t{UINT32_MAX});
}

}  // namespace
}  // namespace cloister::wasi
