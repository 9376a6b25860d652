// SPDX-License-Identifier: Apache-2.0
#include "base/byte_reader.h"

#include <gtest/gtest.h>

#include <array>

namespace cloister {
namespace {

TEST(ByteReader, ReadsLittleAndBigEndian) {
  const std::array<uint8_t, 8> data{0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08};
  ByteReader r(data);
  uint16_t a;
  uint32_t b;
  ASSERT_TRUE(r.read_u16le(&a));
  EXPECT_EQ(a, 0x0201);
  ASSERT_TRUE(r.read_u32be(&b));
  EXPECT_EQ(b, 0x03040506u);
  EXPECT_EQ(r.offset(), 6u);
  EXPECT_EQ(r.remaining(), 2u);
}

TEST(ByteReader, ShortInputFailsWithoutMoving) {
  const std::array<uint8_t, 3> data{1, 2, 3};
  ByteReader r(data);
  uint32_t v = 0xdead;
  EXPECT_FALSE(r.read_u32le(&v));
  EXPECT_EQ(v, 0xdeadu);
  EXPECT_EQ(r.offset(), 0u);
  std::span<const uint8_t> s;
  EXPECT_FALSE(r.read_bytes(4, &s));
  EXPECT_FALSE(r.skip(4));
  EXPECT_TRUE(r.skip(3));
  EXPECT_TRUE(r.empty());
  uint8_t b;
  EXPECT_FALSE(r.read_u8(&b));
}

TEST(ByteReader, SubReaderKeepsAbsoluteOffsets) {
  const std::array<uint8_t, 6> data{0, 1, 2, 3, 4, 5};
  ByteReader r(data);
  ASSERT_TRUE(r.skip(2));
  ByteReader sub;
  ASSERT_TRUE(r.read_sub(3, &sub));
  EXPECT_EQ(sub.offset(), 2u);
  uint8_t b;
  ASSERT_TRUE(sub.read_u8(&b));
  EXPECT_EQ(b, 2);
  EXPECT_EQ(sub.offset(), 3u);
  EXPECT_EQ(sub.remaining(), 2u);
  EXPECT_FALSE(r.read_sub(2, &sub));  // only one byte left in the outer reader
}

}  // namespace
}  // namespace cloister
