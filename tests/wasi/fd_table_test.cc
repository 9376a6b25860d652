// SPDX-License-Identifier: Apache-2.0
#include "wasi/fd_table.h"

#include <fcntl.h>
#include <gtest/gtest.h>

namespace cloister::wasi {
namespace {

FdEntry entry(uint64_t rights) {
  FdEntry e;
  e.host.reset(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  e.rights_base = rights;
  return e;
}

TEST(FdTable, InsertTakesLowestFreeNumber) {
  FdTable t;
  t.insert_at(0, entry(0));
  t.insert_at(2, entry(0));
  auto a = t.insert(entry(0));
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a, 1u);
  auto b = t.insert(entry(0));
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*b, 3u);
}

TEST(FdTable, GetChecksPresenceThenRights) {
  FdTable t;
  t.insert_at(5, entry(rights::kFdRead));
  EXPECT_EQ(t.get(4, 0).error(), Errno::Badf);
  EXPECT_TRUE(t.get(5, rights::kFdRead).ok());
  EXPECT_EQ(t.get(5, rights::kFdRead | rights::kFdWrite).error(), Errno::NotCapable);
}

TEST(FdTable, CloseAndRenumber) {
  FdTable t;
  t.insert_at(3, entry(rights::kFdRead));
  t.insert_at(4, entry(rights::kFdWrite));
  EXPECT_EQ(t.renumber(3, 9), Errno::Badf);  // target must be open
  EXPECT_EQ(t.renumber(7, 4), Errno::Badf);  // source must be open
  EXPECT_EQ(t.renumber(3, 4), Errno::Success);
  EXPECT_EQ(t.find(3), nullptr);
  ASSERT_NE(t.find(4), nullptr);
  EXPECT_EQ(t.find(4)->rights_base, rights::kFdRead);
  EXPECT_EQ(t.close(4), Errno::Success);
  EXPECT_EQ(t.close(4), Errno::Badf);
  EXPECT_EQ(t.size(), 0u);
}

TEST(FdTable, RefusesBeyondTheLimit) {
  FdTable t;
  for (size_t i = 0; i < FdTable::kMaxFds; ++i) t.insert_at(static_cast<uint32_t>(i), FdEntry{});
  EXPECT_EQ(t.insert(FdEntry{}).error(), Errno::Mfile);
}

}  // namespace
}  // namespace cloister::wasi
