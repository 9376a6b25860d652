// SPDX-License-Identifier: Apache-2.0
//
// path_readlink, path_filestat_get and path_filestat_set_times.
#include <sys/stat.h>

#include "path_test_util.h"

namespace cloister::wasi::testing {
namespace {

using namespace rights;

using PathLookupTest = PathTest;

TEST_F(PathLookupTest, ReadlinkTruncatesToTheBuffer) {
  write_host("target", "");
  ASSERT_EQ(symlink("target", "symlink"), Errno::Success);
  std::string text;
  ASSERT_EQ(readlink("symlink", 10, &text), Errno::Success);
  EXPECT_EQ(text, "target");
  EXPECT_EQ(get_u32(kOut), 6u);
  EXPECT_EQ(get_bytes(kBuf + 6, 4), std::string(4, '\0'));
  ASSERT_EQ(readlink("symlink", 4, &text), Errno::Success);
  EXPECT_EQ(text, "targ");
  ASSERT_EQ(readlink("symlink", 0, &text), Errno::Success);
  EXPECT_EQ(text, "");
}

TEST_F(PathLookupTest, ReadlinkOfANonLinkIsInval) {
  write_host("file", "");
  ASSERT_EQ(mkdir("dir"), Errno::Success);
  ASSERT_EQ(symlink("dir", "dirlink"), Errno::Success);
  EXPECT_EQ(readlink("file", 10, nullptr), Errno::Inval);
  EXPECT_EQ(readlink("dir", 10, nullptr), Errno::Inval);
  EXPECT_EQ(readlink(".", 10, nullptr), Errno::Inval);
  // A trailing slash names the directory the link leads to.
  EXPECT_EQ(readlink("dirlink/", 10, nullptr), Errno::Inval);
  EXPECT_EQ(readlink("missing", 10, nullptr), Errno::NoEnt);
}

TEST_F(PathLookupTest, ReadlinkChecksRightsAndPointers) {
  ASSERT_EQ(symlink("target", "symlink"), Errno::Success);
  const uint32_t end = static_cast<uint32_t>(memory_->size_bytes());
  const uint32_t len = put_path(kPath1, "symlink");
  EXPECT_EQ(call("path_readlink",
                 {i32(kPreopen), i32(kPath1), i32(len), i32(end - 2), i32(10), i32(kOut)}),
            Errno::Fault);
  EXPECT_EQ(call("path_readlink",
                 {i32(kPreopen), i32(kPath1), i32(len), i32(kBuf), i32(10), i32(end - 1)}),
            Errno::Fault);
  entry(kPreopen)->rights_base &= ~kPathReadlink;
  EXPECT_EQ(readlink("symlink", 10, nullptr), Errno::NotCapable);
}

TEST_F(PathLookupTest, FilestatWithAndWithoutFollowing) {
  ASSERT_EQ(mkdir("subdir"), Errno::Success);
  write_host("subdir/file", "hello");
  ASSERT_EQ(stat("subdir"), Errno::Success);
  EXPECT_EQ(stat_type(), Filetype::Directory);
  ASSERT_EQ(stat("subdir/file", true), Errno::Success);
  EXPECT_EQ(stat_type(), Filetype::RegularFile);
  EXPECT_EQ(stat_size(), 5u);
  struct stat st {};
  ASSERT_EQ(::stat(host_path("subdir/file").c_str(), &st), 0);
  EXPECT_EQ(stat_ino(), st.st_ino);
  ASSERT_EQ(symlink("subdir/file", "link1"), Errno::Success);
  ASSERT_EQ(stat("link1"), Errno::Success);
  EXPECT_EQ(stat_type(), Filetype::SymbolicLink);
  ASSERT_EQ(stat("link1", true), Errno::Success);
  EXPECT_EQ(stat_type(), Filetype::RegularFile);
  ASSERT_EQ(symlink("subdir", "link2"), Errno::Success);
  ASSERT_EQ(stat("link2", true), Errno::Success);
  EXPECT_EQ(stat_type(), Filetype::Directory);
  // A trailing slash follows, and needs a directory.
  ASSERT_EQ(stat("link2/"), Errno::Success);
  EXPECT_EQ(stat_type(), Filetype::Directory);
  EXPECT_EQ(stat("link1/"), Errno::NotDir);
  EXPECT_EQ(stat("subdir/file/"), Errno::NotDir);
  EXPECT_EQ(stat("."), Errno::Success);
  EXPECT_EQ(stat_type(), Filetype::Directory);
  EXPECT_EQ(stat("subdir/.."), Errno::Success);
  EXPECT_EQ(stat("missing"), Errno::NoEnt);
}

TEST_F(PathLookupTest, FilestatErrors) {
  write_host("file", "");
  const uint32_t len = put_path(kPath1, "file");
  EXPECT_EQ(call("path_filestat_get", {i32(kPreopen), i32(2), i32(kPath1), i32(len), i32(kStat)}),
            Errno::Inval);
  const uint32_t end = static_cast<uint32_t>(memory_->size_bytes());
  EXPECT_EQ(
      call("path_filestat_get", {i32(kPreopen), i32(0), i32(kPath1), i32(len), i32(end - 63)}),
      Errno::Fault);
  entry(kPreopen)->rights_base &= ~kPathFilestatGet;
  EXPECT_EQ(stat("file"), Errno::NotCapable);
}

TEST_F(PathLookupTest, SetTimes) {
  write_host("file", "");
  ASSERT_EQ(stat("file"), Errno::Success);
  const uint64_t mtim = stat_mtim() - 100;
  ASSERT_EQ(set_times("file", false, 0, mtim, kFstMtim), Errno::Success);
  ASSERT_EQ(stat("file"), Errno::Success);
  EXPECT_EQ(stat_mtim(), mtim);
  EXPECT_EQ(set_times("file", false, 0, mtim + 5, kFstMtim | kFstMtimNow), Errno::Inval);
  EXPECT_EQ(set_times("file", false, 5, 0, kFstAtim | kFstAtimNow), Errno::Inval);
  EXPECT_EQ(set_times("file", false, 5, 0, 1 << 4), Errno::Inval);
  ASSERT_EQ(stat("file"), Errno::Success);
  EXPECT_EQ(stat_mtim(), mtim);
  ASSERT_EQ(set_times("file", false, 1'000'000'123, 0, kFstAtim), Errno::Success);
  ASSERT_EQ(stat("file"), Errno::Success);
  EXPECT_EQ(stat_atim(), 1'000'000'123u);
  EXPECT_EQ(stat_mtim(), mtim);
  ASSERT_EQ(set_times("file", false, 0, 0, kFstMtimNow), Errno::Success);
  ASSERT_EQ(stat("file"), Errno::Success);
  EXPECT_GT(stat_mtim(), mtim);
}

TEST_F(PathLookupTest, SetTimesOnASymlinkOrThroughIt) {
  write_host("file", "");
  ASSERT_EQ(stat("file"), Errno::Success);
  const uint64_t file_mtim = stat_mtim();
  ASSERT_EQ(symlink("file", "symlink"), Errno::Success);
  ASSERT_EQ(set_times("symlink", false, 0, 1'000'000'000, kFstMtim), Errno::Success);
  ASSERT_EQ(stat("symlink"), Errno::Success);
  EXPECT_EQ(stat_mtim(), 1'000'000'000u);
  ASSERT_EQ(stat("file"), Errno::Success);
  EXPECT_EQ(stat_mtim(), file_mtim);
  ASSERT_EQ(set_times("symlink", true, 0, 2'000'000'000, kFstMtim), Errno::Success);
  ASSERT_EQ(stat("file"), Errno::Success);
  EXPECT_EQ(stat_mtim(), 2'000'000'000u);
  ASSERT_EQ(stat("symlink"), Errno::Success);
  EXPECT_EQ(stat_mtim(), 1'000'000'000u);
}

TEST_F(PathLookupTest, SetTimesNeedsItsRight) {
  write_host("file", "");
  entry(kPreopen)->rights_base &= ~kPathFilestatSetTimes;
  EXPECT_EQ(set_times("file", false, 0, 0, kFstMtimNow), Errno::NotCapable);
}

}  // namespace
}  // namespace cloister::wasi::testing
