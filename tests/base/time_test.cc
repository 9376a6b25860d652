// SPDX-License-Identifier: Apache-2.0
#include "base/time.h"

#include <gtest/gtest.h>

namespace cloister {
namespace {

int64_t unix_seconds(SysTime t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

TEST(Time, ParsesUtcAndOffsets) {
  EXPECT_EQ(unix_seconds(*parse_rfc3339("1970-01-01T00:00:00Z")), 0);
  EXPECT_EQ(unix_seconds(*parse_rfc3339("2025-07-19T10:01:17Z")), 1752919277);
  EXPECT_EQ(unix_seconds(*parse_rfc3339("2025-07-19T12:01:17.999+02:00")), 1752919277);
  EXPECT_EQ(unix_seconds(*parse_rfc3339("2024-02-29T00:00:00Z")), 1709164800);
}

TEST(Time, RejectsBadTimesWithReason) {
  auto r = parse_rfc3339("2025-02-29T00:00:00Z");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("day out of range"), std::string::npos);
  EXPECT_FALSE(parse_rfc3339("2025-07-19 10:01:17"));
  EXPECT_FALSE(parse_rfc3339("2025-07-19T10:01:17Zjunk"));
  EXPECT_FALSE(parse_rfc3339("2025-13-01T00:00:00Z"));
  EXPECT_FALSE(parse_rfc3339(""));
}

TEST(Time, FarFutureSaturates) {
  // Intel collateral in the wild says "valid until 3000-01-01".
  auto t = parse_rfc3339("3000-01-01T00:00:00Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(*t, SysTime::max());
  EXPECT_GT(*t, *parse_rfc3339("2262-01-01T00:00:00Z"));
  EXPECT_EQ(*parse_rfc3339("1000-01-01T00:00:00Z"), SysTime::min());
}

TEST(Time, FormatsRoundTrip) {
  for (const char* s : {"1970-01-01T00:00:00Z", "2025-07-19T10:01:17Z", "2049-12-31T23:59:59Z",
                        "2000-02-29T12:00:00Z"}) {
    EXPECT_EQ(format_rfc3339(*parse_rfc3339(s)), s);
  }
}

}  // namespace
}  // namespace cloister
