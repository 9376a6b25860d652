// SPDX-License-Identifier: Apache-2.0
#include "base/result.h"

#include <gtest/gtest.h>

#include <memory>

namespace cloister {
namespace {

Result<int> parse_positive(int v) {
  if (v <= 0) return fail("expected a positive number, got ", v);
  return v;
}

Result<int> doubled(int v) {
  CLOISTER_TRY_ASSIGN(int x, parse_positive(v));
  return 2 * x;
}

Result<void> check(int v) {
  CLOISTER_TRY(parse_positive(v));
  return ok();
}

TEST(Result, HoldsValueOrError) {
  auto good = parse_positive(3);
  ASSERT_TRUE(good);
  EXPECT_EQ(*good, 3);
  auto bad = parse_positive(-2);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message(), "expected a positive number, got -2");
  EXPECT_EQ(bad.value_or(7), 7);
}

TEST(Result, TryPropagatesErrors) {
  EXPECT_EQ(*doubled(4), 8);
  EXPECT_EQ(doubled(0).error().message(), "expected a positive number, got 0");
  EXPECT_TRUE(check(1));
  EXPECT_FALSE(check(-1));
}

TEST(Result, ContextPrefixesMessage) {
  Error e("bad magic");
  EXPECT_EQ(e.with_context("module.wasm").message(), "module.wasm: bad magic");
}

TEST(Result, MoveOnlyValues) {
  Result<std::unique_ptr<int>> r(std::make_unique<int>(5));
  ASSERT_TRUE(r);
  std::unique_ptr<int> p = std::move(r).value();
  EXPECT_EQ(*p, 5);
}

}  // namespace
}  // namespace cloister
