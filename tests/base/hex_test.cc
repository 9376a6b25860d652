// SPDX-License-Identifier: Apache-2.0
#include "base/hex.h"

#include <gtest/gtest.h>

namespace cloister {
namespace {

TEST(Hex, RoundTrips) {
  const std::vector<uint8_t> bytes{0x00, 0xab, 0xff, 0x10};
  EXPECT_EQ(to_hex(bytes), "00abff10");
  EXPECT_EQ(from_hex("00ABff10"), bytes);
}

TEST(Hex, RejectsBadInput) {
  EXPECT_FALSE(from_hex("abc"));
  EXPECT_FALSE(from_hex("zz"));
  EXPECT_FALSE(from_hex("0x12"));
  EXPECT_EQ(from_hex(""), std::vector<uint8_t>{});
}

TEST(Hex, PrintableAsciiEscapesEverythingElse) {
  EXPECT_EQ(printable_ascii("Intel SGX PCK Platform CA"), "Intel SGX PCK Platform CA");
  EXPECT_EQ(printable_ascii(std::string("A\xff\n\\\0", 5)), "A\\xff\\x0a\\x5c\\x00");
}

}  // namespace
}  // namespace cloister
