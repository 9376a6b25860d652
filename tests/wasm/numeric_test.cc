// SPDX-License-Identifier: Apache-2.0
//
// The float helpers whose Wasm semantics differ from plain C++ operators.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <limits>

#include "wasm/interpreter_numeric.h"

namespace cloister::wasm::numeric {
namespace {

uint32_t bits(float f) {
  return std::bit_cast<uint32_t>(f);
}
uint64_t bits(double d) {
  return std::bit_cast<uint64_t>(d);
}

TEST(Numeric, MinMaxOrderSignedZerosAndPropagateNaN) {
  EXPECT_EQ(bits(fmin(0.0f, -0.0f)), bits(-0.0f));
  EXPECT_EQ(bits(fmin(-0.0f, 0.0f)), bits(-0.0f));
  EXPECT_EQ(bits(fmax(-0.0f, 0.0f)), bits(0.0f));
  EXPECT_EQ(bits(fmax(0.0, -0.0)), bits(0.0));
  EXPECT_TRUE(std::isnan(fmin(1.0f, std::numeric_limits<float>::quiet_NaN())));
  EXPECT_TRUE(std::isnan(fmax(std::numeric_limits<double>::quiet_NaN(), 1.0)));
  EXPECT_EQ(fmin(-1.0, 2.0), -1.0);
  EXPECT_EQ(fmax(-1.0f, 2.0f), 2.0f);
  // A signalling NaN comes out quiet (an arithmetic NaN).
  const float snan = std::bit_cast<float>(0x7fa00000u);
  EXPECT_NE(bits(fmin(snan, 1.0f)) & 0x00400000u, 0u);
}

TEST(Numeric, NearestRoundsHalfToEven) {
  EXPECT_EQ(fnearest(0.5), 0.0);
  EXPECT_EQ(fnearest(1.5), 2.0);
  EXPECT_EQ(fnearest(2.5f), 2.0f);
  EXPECT_EQ(bits(fnearest(-0.5)), bits(-0.0));
  EXPECT_EQ(fnearest(4503599627370495.5), 4503599627370496.0);
}

TEST(Numeric, SignOperationsAreBitOperations) {
  const float nan = std::bit_cast<float>(0x7fc00001u);
  EXPECT_EQ(bits(fneg_bits(nan)), 0xffc00001u);
  EXPECT_EQ(bits(fabs_bits(std::bit_cast<float>(0xffc00001u))), 0x7fc00001u);
  EXPECT_EQ(bits(fcopysign_bits(nan, -1.0f)), 0xffc00001u);
  EXPECT_EQ(bits(fneg_bits(0.0)), bits(-0.0));
}

TEST(Numeric, TruncationChecksRangeBeforeConverting) {
  int32_t i = 0;
  EXPECT_EQ(trunc_checked<int32_t>(-2147483648.0f, &i), TruncStatus::Ok);
  EXPECT_EQ(i, INT32_MIN);
  EXPECT_EQ(trunc_checked<int32_t>(2147483648.0f, &i), TruncStatus::Overflow);
  EXPECT_EQ(trunc_checked<int32_t>(-2147483648.9, &i), TruncStatus::Ok);
  EXPECT_EQ(trunc_checked<int32_t>(-2147483649.0, &i), TruncStatus::Overflow);
  EXPECT_EQ(trunc_checked<int32_t>(std::nan(""), &i), TruncStatus::NaN);
  uint32_t u = 0;
  EXPECT_EQ(trunc_checked<uint32_t>(-0.9, &u), TruncStatus::Ok);
  EXPECT_EQ(u, 0u);
  EXPECT_EQ(trunc_checked<uint32_t>(-1.0, &u), TruncStatus::Overflow);
  EXPECT_EQ(trunc_checked<uint32_t>(4294967295.9, &u), TruncStatus::Ok);
  EXPECT_EQ(u, 4294967295u);
  uint64_t u64 = 0;
  EXPECT_EQ(trunc_checked<uint64_t>(18446744073709551616.0, &u64), TruncStatus::Overflow);
  int64_t s64 = 0;
  EXPECT_EQ(trunc_checked<int64_t>(-9223372036854775808.0, &s64), TruncStatus::Ok);
  EXPECT_EQ(s64, INT64_MIN);
  EXPECT_EQ(trunc_checked<int64_t>(9223372036854775808.0f, &s64), TruncStatus::Overflow);
}

TEST(Numeric, SaturatingTruncationClamps) {
  EXPECT_EQ(trunc_sat<int32_t>(1e10f), INT32_MAX);
  EXPECT_EQ(trunc_sat<int32_t>(-1e10), INT32_MIN);
  EXPECT_EQ(trunc_sat<uint32_t>(-5.0f), 0u);
  EXPECT_EQ(trunc_sat<uint64_t>(std::numeric_limits<double>::infinity()), UINT64_MAX);
  EXPECT_EQ(trunc_sat<int64_t>(std::nan("")), 0);
}

}  // namespace
}  // namespace cloister::wasm::numeric
