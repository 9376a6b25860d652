// SPDX-License-Identifier: Apache-2.0
#include "wasm/leb128.h"

#include <gtest/gtest.h>

#include <vector>

namespace cloister::wasm {
namespace {

template <typename T, typename F>
LebStatus read(std::vector<uint8_t> bytes, F reader, T* out, size_t* consumed = nullptr) {
  ByteReader r(bytes);
  const LebStatus s = reader(r, out);
  if (consumed) *consumed = bytes.size() - r.remaining();
  return s;
}

TEST(Leb128Test, U32Values) {
  uint32_t v = 0;
  size_t used = 0;
  EXPECT_EQ(read({0x00}, read_leb_u32, &v, &used), LebStatus::Ok);
  EXPECT_EQ(v, 0u);
  EXPECT_EQ(used, 1u);
  EXPECT_EQ(read({0x7f}, read_leb_u32, &v), LebStatus::Ok);
  EXPECT_EQ(v, 127u);
  EXPECT_EQ(read({0x80, 0x01}, read_leb_u32, &v), LebStatus::Ok);
  EXPECT_EQ(v, 128u);
  EXPECT_EQ(read({0xe5, 0x8e, 0x26, 0xaa}, read_leb_u32, &v, &used), LebStatus::Ok);
  EXPECT_EQ(v, 624485u);
  EXPECT_EQ(used, 3u);  // stops after the last byte
  EXPECT_EQ(read({0xff, 0xff, 0xff, 0xff, 0x0f}, read_leb_u32, &v), LebStatus::Ok);
  EXPECT_EQ(v, 0xffffffffu);
  // Padded (non-minimal) encodings are allowed within the byte limit.
  EXPECT_EQ(read({0x80, 0x80, 0x80, 0x80, 0x00}, read_leb_u32, &v), LebStatus::Ok);
  EXPECT_EQ(v, 0u);
}

TEST(Leb128Test, U32Malformed) {
  uint32_t v = 0;
  EXPECT_EQ(read({}, read_leb_u32, &v), LebStatus::UnexpectedEnd);
  EXPECT_EQ(read({0x80}, read_leb_u32, &v), LebStatus::UnexpectedEnd);
  EXPECT_EQ(read({0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, read_leb_u32, &v), LebStatus::TooLong);
  // Bits above bit 31 set in the fifth byte.
  EXPECT_EQ(read({0xff, 0xff, 0xff, 0xff, 0x1f}, read_leb_u32, &v), LebStatus::TooLarge);
  EXPECT_EQ(read({0x80, 0x80, 0x80, 0x80, 0x70}, read_leb_u32, &v), LebStatus::TooLarge);
  EXPECT_EQ(to_string(LebStatus::TooLong), "integer representation too long");
  EXPECT_EQ(to_string(LebStatus::TooLarge), "integer too large");
}

TEST(Leb128Test, S32Values) {
  int32_t v = 0;
  EXPECT_EQ(read({0x7f}, read_leb_s32, &v), LebStatus::Ok);
  EXPECT_EQ(v, -1);
  EXPECT_EQ(read({0x3f}, read_leb_s32, &v), LebStatus::Ok);
  EXPECT_EQ(v, 63);
  EXPECT_EQ(read({0xc0, 0x00}, read_leb_s32, &v), LebStatus::Ok);
  EXPECT_EQ(v, 64);
  EXPECT_EQ(read({0x80, 0x7f}, read_leb_s32, &v), LebStatus::Ok);
  EXPECT_EQ(v, -128);
  EXPECT_EQ(read({0x80, 0x80, 0x80, 0x80, 0x78}, read_leb_s32, &v), LebStatus::Ok);
  EXPECT_EQ(v, INT32_MIN);
  EXPECT_EQ(read({0xff, 0xff, 0xff, 0xff, 0x07}, read_leb_s32, &v), LebStatus::Ok);
  EXPECT_EQ(v, INT32_MAX);
  // Sign-extension padding is fine: -1 in five bytes.
  EXPECT_EQ(read({0xff, 0xff, 0xff, 0xff, 0x7f}, read_leb_s32, &v), LebStatus::Ok);
  EXPECT_EQ(v, -1);
}

TEST(Leb128Test, S32Malformed) {
  int32_t v = 0;
  // Unused bits must copy the sign bit (bit 3 of the fifth byte).
  EXPECT_EQ(read({0xff, 0xff, 0xff, 0xff, 0x4f}, read_leb_s32, &v), LebStatus::TooLarge);
  EXPECT_EQ(read({0x80, 0x80, 0x80, 0x80, 0x70}, read_leb_s32, &v), LebStatus::TooLarge);
  EXPECT_EQ(read({0x80, 0x80, 0x80, 0x80, 0x08}, read_leb_s32, &v), LebStatus::TooLarge);
  EXPECT_EQ(read({0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}, read_leb_s32, &v), LebStatus::TooLong);
}

TEST(Leb128Test, S33BlockTypes) {
  int64_t v = 0;
  EXPECT_EQ(read({0x40}, read_leb_s33, &v), LebStatus::Ok);
  EXPECT_EQ(v, -64);
  EXPECT_EQ(read({0x7f}, read_leb_s33, &v), LebStatus::Ok);
  EXPECT_EQ(v, -1);
  // The largest type index, 2^32-1, needs the 33rd bit to stay positive.
  EXPECT_EQ(read({0xff, 0xff, 0xff, 0xff, 0x0f}, read_leb_s33, &v), LebStatus::Ok);
  EXPECT_EQ(v, 0xffffffffLL);
  EXPECT_EQ(read({0xff, 0xff, 0xff, 0xff, 0x7f}, read_leb_s33, &v), LebStatus::Ok);
  EXPECT_EQ(v, -1);
  // Bit 32 is the sign; bits 33..34 of the fifth byte must copy it.
  EXPECT_EQ(read({0xff, 0xff, 0xff, 0xff, 0x1f}, read_leb_s33, &v), LebStatus::TooLarge);
  EXPECT_EQ(read({0xff, 0xff, 0xff, 0xff, 0x2f}, read_leb_s33, &v), LebStatus::TooLarge);
}

TEST(Leb128Test, S64Values) {
  int64_t v = 0;
  EXPECT_EQ(read({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f}, read_leb_s64, &v),
            LebStatus::Ok);
  EXPECT_EQ(v, INT64_MIN);
  EXPECT_EQ(read({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00}, read_leb_s64, &v),
            LebStatus::Ok);
  EXPECT_EQ(v, INT64_MAX);
  EXPECT_EQ(read({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, read_leb_s64, &v),
            LebStatus::TooLarge);
  EXPECT_EQ(
      read({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, read_leb_s64, &v),
      LebStatus::TooLong);
}

}  // namespace
}  // namespace cloister::wasm
