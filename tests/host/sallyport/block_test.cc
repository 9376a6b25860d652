// SPDX-License-Identifier: Apache-2.0
//
// The block accessor's range and string checks, at the edges.
#include "host/sallyport/block.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace cloister::host::sallyport {
namespace {

TEST(BlockTest, RangesMustLieInTheDataArea) {
  EXPECT_TRUE(Block::in_data(kDataOffset, 0));
  EXPECT_TRUE(Block::in_data(kDataOffset, kBlockSize - kDataOffset));
  EXPECT_TRUE(Block::in_data(kBlockSize, 0));
  EXPECT_TRUE(Block::in_data(kBlockSize - 1, 1));
  EXPECT_FALSE(Block::in_data(0, 0));
  EXPECT_FALSE(Block::in_data(kDataOffset - 1, 1));
  EXPECT_FALSE(Block::in_data(kDataOffset, kBlockSize - kDataOffset + 1));
  EXPECT_FALSE(Block::in_data(kBlockSize, 1));
  EXPECT_FALSE(Block::in_data(kBlockSize + 1, 0));
  EXPECT_FALSE(Block::in_data(kNull, 0));
  EXPECT_FALSE(Block::in_data(kNull, 1));
  EXPECT_FALSE(Block::in_data(kDataOffset + 8, ~uint64_t{0} - 7));  // wraps to kDataOffset
  EXPECT_FALSE(Block::in_data(kDataOffset, ~uint64_t{0}));
}

TEST(BlockTest, Strings) {
  std::vector<uint8_t> mem(kBlockSize, 'a');
  Block block(mem.data());
  BlockString s;
  mem[100] = 0;
  EXPECT_EQ(block.read_string(kDataOffset, &s), 0);
  EXPECT_EQ(s.len, 100 - kDataOffset);
  EXPECT_EQ(std::strlen(s.text), s.len);
  EXPECT_EQ(block.read_string(100, &s), 0);
  EXPECT_EQ(s.len, 0u);
  EXPECT_EQ(block.read_string(101, &s), ENAMETOOLONG);
  mem[101 + kMaxString - 1] = 0;  // 4095 characters and the NUL
  EXPECT_EQ(block.read_string(101, &s), 0);
  EXPECT_EQ(s.len, kMaxString - 1);
  EXPECT_EQ(block.read_string(kBlockSize - 10, &s), EFAULT) << "runs off the end";
  mem[kBlockSize - 1] = 0;
  EXPECT_EQ(block.read_string(kBlockSize - 10, &s), 0);
  EXPECT_EQ(s.len, 9u);
  EXPECT_EQ(block.read_string(kBlockSize - 1, &s), 0);
  EXPECT_EQ(block.read_string(kBlockSize, &s), EFAULT);
  EXPECT_EQ(block.read_string(0, &s), EFAULT);
  EXPECT_EQ(block.read_string(kNull, &s), EFAULT);
}

}  // namespace
}  // namespace cloister::host::sallyport
