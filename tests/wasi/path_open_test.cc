// SPDX-License-Identifier: Apache-2.0
//
// path_open: flags, rights, access modes and errors.
#include <fcntl.h>

#include "path_test_util.h"

namespace cloister::wasi::testing {
namespace {

using namespace rights;

class PathOpenTest : public PathTest {
 protected:
  int host_access(uint32_t fd) { return ::fcntl(entry(fd)->host.get(), F_GETFL) & O_ACCMODE; }
};

TEST_F(PathOpenTest, CreatesAFileAndGivesItTheLowestFreeFd) {
  ASSERT_EQ(open("file", kOflagCreat, kFdRead | kFdWrite), Errno::Success);
  EXPECT_EQ(opened(), 4u);
  EXPECT_TRUE(exists("file"));
  EXPECT_EQ(entry(4)->type, Filetype::RegularFile);
  EXPECT_FALSE(entry(4)->is_preopen);
}

TEST_F(PathOpenTest, MissingFileWithoutCreatIsNoEnt) {
  EXPECT_EQ(open("file"), Errno::NoEnt);
  EXPECT_FALSE(exists("file"));
}

TEST_F(PathOpenTest, CreatExclOnAnExistingFileIsExist) {
  write_host("file", "x");
  EXPECT_EQ(open("file", kOflagCreat | kOflagExcl), Errno::Exist);
  EXPECT_EQ(open("file", kOflagCreat), Errno::Success);
}

TEST_F(PathOpenTest, TruncEmptiesTheFile) {
  write_host("file", "content");
  ASSERT_EQ(open("file", kOflagTrunc), Errno::Success);
  EXPECT_EQ(read_host("file"), "");
}

TEST_F(PathOpenTest, TruncNeedsPathFilestatSetSizeOnTheDirectory) {
  write_host("file", "content");
  entry(kPreopen)->rights_base &= ~kPathFilestatSetSize;
  EXPECT_EQ(open("file", kOflagTrunc), Errno::NotCapable);
  EXPECT_EQ(read_host("file"), "content");
}

TEST_F(PathOpenTest, CreatNeedsPathCreateFileOnTheDirectory) {
  entry(kPreopen)->rights_base &= ~kPathCreateFile;
  EXPECT_EQ(open("file", kOflagCreat), Errno::NotCapable);
  EXPECT_FALSE(exists("file"));
}

TEST_F(PathOpenTest, OpeningNeedsPathOpen) {
  write_host("file", "x");
  entry(kPreopen)->rights_base &= ~kPathOpen;
  EXPECT_EQ(open("file"), Errno::NotCapable);
}

TEST_F(PathOpenTest, AccessModeFollowsTheGrantedRights) {
  write_host("file", "x");
  ASSERT_EQ(open("file", 0, kFdRead), Errno::Success);
  EXPECT_EQ(host_access(opened()), O_RDONLY);
  EXPECT_EQ(entry(opened())->rights_base, kFdRead);
  ASSERT_EQ(open("file", 0, kFdWrite), Errno::Success);
  EXPECT_EQ(host_access(opened()), O_WRONLY);
  ASSERT_EQ(open("file", 0, kFdRead | kFdWrite), Errno::Success);
  EXPECT_EQ(host_access(opened()), O_RDWR);
  ASSERT_EQ(open("file", 0, 0), Errno::Success);
  EXPECT_EQ(host_access(opened()), O_RDONLY);
  EXPECT_EQ(entry(opened())->rights_base, 0u);
}

TEST_F(PathOpenTest, RightsAreLimitedToTheDirectorysInheritingRights) {
  write_host("file", "x");
  entry(kPreopen)->rights_inheriting &= ~kFdWrite;
  ASSERT_EQ(open("file", 0, kFdRead | kFdWrite, kFdWrite), Errno::Success);
  EXPECT_EQ(entry(opened())->rights_base, kFdRead);
  EXPECT_EQ(entry(opened())->rights_inheriting, 0u);
  // Never writable on the host without the right.
  EXPECT_EQ(host_access(opened()), O_RDONLY);
}

TEST_F(PathOpenTest, RightsThatDoNotApplyToTheTypeAreDropped) {
  ASSERT_EQ(mkdir("d"), Errno::Success);
  ASSERT_EQ(
      open("d", kOflagDirectory, kFdRead | kFdReaddir | kPathOpen | kFdSeek, kFdRead | kFdWrite),
      Errno::Success);
  EXPECT_EQ(entry(opened())->type, Filetype::Directory);
  EXPECT_EQ(entry(opened())->rights_base, kFdReaddir | kPathOpen);
  EXPECT_EQ(entry(opened())->rights_inheriting, kFdRead | kFdWrite);
  write_host("file", "x");
  ASSERT_EQ(open("file", 0, kFdRead | kPathOpen | kFdReaddir), Errno::Success);
  EXPECT_EQ(entry(opened())->rights_base, kFdRead);
}

TEST_F(PathOpenTest, OpensThePreopenItselfWithItsOwnRights) {
  const uint64_t base = entry(kPreopen)->rights_base;
  const uint64_t inheriting = entry(kPreopen)->rights_inheriting;
  ASSERT_EQ(open(".", 0, base, inheriting), Errno::Success);
  EXPECT_EQ(entry(opened())->rights_base, base);
  EXPECT_EQ(entry(opened())->rights_inheriting, inheriting);
  EXPECT_EQ(open(".", kOflagDirectory, 0, 0), Errno::Success);
  EXPECT_EQ(open(".", kOflagDirectory, kFdRead), Errno::Success);
  EXPECT_EQ(open(".", 0, 0, 0, kFdflagNonblock), Errno::Success);
}

TEST_F(PathOpenTest, DirectoryForWritingIsIsDir) {
  EXPECT_EQ(open(".", kOflagDirectory, kFdRead | kFdWrite), Errno::IsDir);
  ASSERT_EQ(mkdir("d"), Errno::Success);
  EXPECT_EQ(open("d", 0, kFdWrite), Errno::IsDir);
}

TEST_F(PathOpenTest, DirectoryFlagOnAFileIsNotDir) {
  write_host("file", "x");
  EXPECT_EQ(open("file", kOflagDirectory), Errno::NotDir);
}

TEST_F(PathOpenTest, BaseThatIsNotADirectoryIsNotDir) {
  ASSERT_EQ(open("file", kOflagCreat, kFdRead | kPathOpen | kPathCreateFile), Errno::Success);
  EXPECT_EQ(open("foo", kOflagCreat, 0, 0, 0, 0, opened()), Errno::NotDir);
  EXPECT_EQ(open("foo", 0, 0, 0, 0, 0, 99), Errno::Badf);
}

TEST_F(PathOpenTest, FdflagsReachTheHostDescriptor) {
  ASSERT_EQ(open("file", kOflagCreat, kFdRead | kFdWrite, 0,
                 kFdflagAppend | kFdflagSync | kFdflagNonblock),
            Errno::Success);
  const int fl = ::fcntl(entry(opened())->host.get(), F_GETFL);
  EXPECT_NE(fl & O_APPEND, 0);
  EXPECT_EQ(fl & O_SYNC, O_SYNC);
  EXPECT_NE(fl & O_NONBLOCK, 0);
  EXPECT_NE(::fcntl(entry(opened())->host.get(), F_GETFD) & FD_CLOEXEC, 0);
}

TEST_F(PathOpenTest, UnknownFlagBitsAreInval) {
  EXPECT_EQ(open("file", 1 << 4), Errno::Inval);
  EXPECT_EQ(open("file", kOflagCreat, 0, 0, 1 << 5), Errno::Inval);
  EXPECT_EQ(open("file", kOflagCreat, 0, 0, 0, 2), Errno::Inval);
  EXPECT_FALSE(exists("file"));
}

TEST_F(PathOpenTest, SymlinkIsFollowedOnlyWhenAsked) {
  ASSERT_EQ(mkdir("target"), Errno::Success);
  ASSERT_EQ(symlink("target", "link"), Errno::Success);
  EXPECT_EQ(open("link", kOflagDirectory), Errno::NotDir);
  EXPECT_EQ(open("link"), Errno::Loop);
  EXPECT_EQ(open("link", kOflagDirectory, 0, 0, 0, kLookupSymlinkFollow), Errno::Success);
  EXPECT_EQ(entry(opened())->type, Filetype::Directory);
  write_host("file", "x");
  ASSERT_EQ(symlink("file", "flink"), Errno::Success);
  EXPECT_EQ(open("flink", 0, 0, 0, 0, kLookupSymlinkFollow), Errno::Success);
  EXPECT_EQ(open("flink", kOflagDirectory, 0, 0, 0, kLookupSymlinkFollow), Errno::NotDir);
  // Symlinks in the middle of a path are always followed.
  EXPECT_EQ(open("link/../file"), Errno::Success);
}

TEST_F(PathOpenTest, DanglingSymlinkAndLoop) {
  ASSERT_EQ(symlink("nowhere", "dangling"), Errno::Success);
  EXPECT_EQ(open("dangling"), Errno::Loop);
  EXPECT_EQ(open("dangling", 0, 0, 0, 0, kLookupSymlinkFollow), Errno::NoEnt);
  // Following a dangling link with creat creates its target, inside the tree.
  EXPECT_EQ(open("dangling", kOflagCreat, 0, 0, 0, kLookupSymlinkFollow), Errno::Success);
  EXPECT_TRUE(exists("nowhere"));
  ASSERT_EQ(symlink("loop", "loop"), Errno::Success);
  EXPECT_EQ(open("loop"), Errno::Loop);
  EXPECT_EQ(open("loop", 0, 0, 0, 0, kLookupSymlinkFollow), Errno::Loop);
}

TEST_F(PathOpenTest, InterestingPaths) {
  ASSERT_EQ(mkdir("dir"), Errno::Success);
  ASSERT_EQ(mkdir("dir/nested"), Errno::Success);
  write_host("dir/nested/file", "x");
  EXPECT_EQ(open("/dir/nested/file"), Errno::NotCapable);
  EXPECT_EQ(open("dir/.//nested/../../dir/nested/../nested///./file"), Errno::Success);
  EXPECT_EQ(open(std::string_view("dir/nested/file\0", 16)), Errno::Inval);
  EXPECT_EQ(open("dir/nested/file/"), Errno::NotDir);
  EXPECT_EQ(open("dir/nested/file///"), Errno::NotDir);
  EXPECT_EQ(open("dir/nested/"), Errno::Success);
  EXPECT_EQ(open("dir/nested///"), Errno::Success);
  EXPECT_EQ(open("dir/nested/../../../dir/nested/file"), Errno::NotCapable);
  EXPECT_EQ(open(""), Errno::NoEnt);
  EXPECT_EQ(open("bad\xff"), Errno::Ilseq);
}

TEST_F(PathOpenTest, BadPointersAreFault) {
  const uint32_t end = static_cast<uint32_t>(memory_->size_bytes());
  EXPECT_EQ(call("path_open", {i32(kPreopen), i32(0), i32(end - 2), i32(10), i32(kOflagCreat),
                               i64(0), i64(0), i32(0), i32(kOut)}),
            Errno::Fault);
  const uint32_t len = put_path(kPath1, "file");
  EXPECT_EQ(call("path_open", {i32(kPreopen), i32(0), i32(kPath1), i32(len), i32(kOflagCreat),
                               i64(0), i64(0), i32(0), i32(end - 2)}),
            Errno::Fault);
  // Nothing was created and no descriptor leaked.
  EXPECT_FALSE(exists("file"));
  EXPECT_EQ(ctx_->fds().size(), 4u);
}

TEST_F(PathOpenTest, OverlongPathIsNameTooLong) {
  EXPECT_EQ(open(std::string(4096, 'a'), kOflagCreat), Errno::NameTooLong);
  EXPECT_EQ(open(std::string(300, 'a'), kOflagCreat), Errno::NameTooLong);  // NAME_MAX
  std::string deep;
  for (int i = 0; i < 1000; ++i) deep += "./";
  deep += "file";
  EXPECT_EQ(open(deep, kOflagCreat), Errno::Success);
  EXPECT_TRUE(exists("file"));
}

TEST_F(PathOpenTest, TooManyOpenFilesIsMfile) {
  write_host("file", "x");
  Errno last = Errno::Success;
  for (size_t i = 0; i < FdTable::kMaxFds && last == Errno::Success; ++i) last = open("file");
  // The table's limit, or the host's descriptor limit if that is lower.
  EXPECT_EQ(last, Errno::Mfile);
}

}  // namespace
}  // namespace cloister::wasi::testing
