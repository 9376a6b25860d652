// SPDX-License-Identifier: Apache-2.0
//
// The path_* functions that change the tree: create/remove directory, unlink,
// rename, symlink, link.
#include "path_test_util.h"

namespace cloister::wasi::testing {
namespace {

using namespace rights;

using PathOpsTest = PathTest;

TEST_F(PathOpsTest, CreateAndRemoveDirectory) {
  EXPECT_EQ(mkdir("d"), Errno::Success);
  EXPECT_EQ(mkdir("d"), Errno::Exist);
  EXPECT_EQ(mkdir("d/e"), Errno::Success);
  EXPECT_EQ(mkdir("missing/e"), Errno::NoEnt);
  EXPECT_EQ(rmdir("d"), Errno::NotEmpty);
  EXPECT_EQ(rmdir("d/e"), Errno::Success);
  EXPECT_EQ(rmdir("d/"), Errno::Success);
  EXPECT_FALSE(exists("d"));
  EXPECT_EQ(rmdir("d"), Errno::NoEnt);
  EXPECT_EQ(mkdir("."), Errno::Exist);
  EXPECT_EQ(mkdir(""), Errno::NoEnt);
}

TEST_F(PathOpsTest, RemoveDirectoryOnAFileIsNotDir) {
  write_host("file", "x");
  EXPECT_EQ(rmdir("file"), Errno::NotDir);
  EXPECT_EQ(rmdir("file/"), Errno::NotDir);
  EXPECT_TRUE(exists("file"));
}

TEST_F(PathOpsTest, RemoveDirectoryDoesNotFollowASymlink) {
  ASSERT_EQ(mkdir("d"), Errno::Success);
  ASSERT_EQ(symlink("d", "link"), Errno::Success);
  EXPECT_EQ(rmdir("link"), Errno::NotDir);
  EXPECT_EQ(rmdir("link/"), Errno::NotDir);
  EXPECT_TRUE(exists("d"));
}

TEST_F(PathOpsTest, UnlinkFile) {
  write_host("file", "x");
  EXPECT_EQ(unlink("file/"), Errno::NotDir);
  EXPECT_EQ(unlink("file"), Errno::Success);
  EXPECT_FALSE(exists("file"));
  EXPECT_EQ(unlink("file"), Errno::NoEnt);
  ASSERT_EQ(mkdir("d"), Errno::Success);
  EXPECT_EQ(unlink("d"), Errno::IsDir);
  EXPECT_EQ(unlink("d/"), Errno::IsDir);
  // A symlink is removed itself, never its target.
  ASSERT_EQ(symlink("d", "link"), Errno::Success);
  EXPECT_EQ(unlink("link"), Errno::Success);
  EXPECT_FALSE(exists("link"));
  EXPECT_TRUE(exists("d"));
}

TEST_F(PathOpsTest, RenameFilesAndDirectories) {
  ASSERT_EQ(mkdir("source"), Errno::Success);
  EXPECT_EQ(rename("source", "target"), Errno::Success);
  EXPECT_FALSE(exists("source"));
  EXPECT_TRUE(exists("target"));
  // Onto an empty directory, with trailing slashes on either side.
  ASSERT_EQ(mkdir("source"), Errno::Success);
  EXPECT_EQ(rename("source/", "target/"), Errno::Success);
  EXPECT_EQ(rename("target", "source/"), Errno::Success);
  // Onto a non-empty directory, or a directory onto a file.
  ASSERT_EQ(mkdir("full"), Errno::Success);
  write_host("full/file", "x");
  EXPECT_EQ(rename("source", "full"), Errno::NotEmpty);
  EXPECT_EQ(rename("source", "full/file"), Errno::NotDir);
  // A file onto a file replaces it; onto a directory is IsDir.
  write_host("a", "A");
  write_host("b", "B");
  EXPECT_EQ(rename("a", "b"), Errno::Success);
  EXPECT_EQ(read_host("b"), "A");
  EXPECT_EQ(rename("b", "source"), Errno::IsDir);
  EXPECT_EQ(rename("missing", "x"), Errno::NoEnt);
}

TEST_F(PathOpsTest, RenameBetweenDirectoryDescriptorsChecksBothRights) {
  ASSERT_EQ(mkdir("sub"), Errno::Success);
  ASSERT_EQ(open("sub", kOflagDirectory, kPathRenameTarget), Errno::Success);
  const uint32_t sub = opened();
  write_host("file", "x");
  EXPECT_EQ(rename("file", "file", kPreopen, sub), Errno::Success);
  EXPECT_TRUE(exists("sub/file"));
  // sub lacks path_rename_source.
  EXPECT_EQ(rename("file", "back", sub, kPreopen), Errno::NotCapable);
  EXPECT_TRUE(exists("sub/file"));
}

TEST_F(PathOpsTest, Symlink) {
  EXPECT_EQ(symlink("target", "link"), Errno::Success);
  EXPECT_EQ(symlink("target", "link"), Errno::Exist);
  // Trailing slashes: a new link's name cannot end with one.
  EXPECT_EQ(symlink("source", "other/"), Errno::NoEnt);
  ASSERT_EQ(mkdir("dir"), Errno::Success);
  EXPECT_EQ(symlink("source", "dir/"), Errno::Exist);
  EXPECT_EQ(symlink("source", "dir"), Errno::Exist);
  write_host("file", "x");
  const Errno on_file = symlink("source", "file/");
  EXPECT_TRUE(on_file == Errno::NotDir || on_file == Errno::Exist) << static_cast<int>(on_file);
  // Target text: absolute is refused, relative is stored as given.
  EXPECT_EQ(symlink("/", "root"), Errno::NotCapable);
  EXPECT_EQ(symlink("/etc/passwd", "passwd"), Errno::NotCapable);
  EXPECT_FALSE(exists("root"));
  EXPECT_EQ(symlink("", "empty"), Errno::NoEnt);
  EXPECT_EQ(symlink(std::string_view("a\0b", 3), "nul"), Errno::Inval);
  EXPECT_EQ(symlink("../outside", "up"), Errno::Success);
  std::string text;
  ASSERT_EQ(readlink("up", 64, &text), Errno::Success);
  EXPECT_EQ(text, "../outside");
}

TEST_F(PathOpsTest, Link) {
  write_host("file", "x");
  EXPECT_EQ(link("file", "link"), Errno::Success);
  ASSERT_EQ(stat("link"), Errno::Success);
  EXPECT_EQ(get_u64(kStat + layout::kFilestatNlink), 2u);
  EXPECT_EQ(link("file", "link"), Errno::Exist);
  EXPECT_EQ(link("file", "file"), Errno::Exist);
  ASSERT_EQ(mkdir("dir"), Errno::Success);
  EXPECT_EQ(link("file", "dir"), Errno::Exist);
  EXPECT_EQ(link("dir", "dirlink"), Errno::Perm);
  EXPECT_EQ(link("dir/", "dirlink"), Errno::Perm);
  EXPECT_EQ(link("file/", "x"), Errno::NotDir);
  EXPECT_EQ(link("file", "newlink/"), Errno::NoEnt);
  // A link to a symlink (dangling or a loop) links the symlink itself.
  ASSERT_EQ(symlink("target", "symlink"), Errno::Success);
  EXPECT_EQ(link("symlink", "link2"), Errno::Success);
  ASSERT_EQ(stat("link2"), Errno::Success);
  EXPECT_EQ(stat_type(), Filetype::SymbolicLink);
  EXPECT_EQ(link("file", "symlink"), Errno::Exist);
  // Following the source's final symlink is refused.
  EXPECT_EQ(link("symlink", "link3", kLookupSymlinkFollow), Errno::Inval);
  EXPECT_FALSE(exists("link3"));
}

TEST_F(PathOpsTest, LinkChecksRightsOnBothDirectories) {
  write_host("file", "x");
  entry(kPreopen)->rights_base &= ~kPathLinkTarget;
  EXPECT_EQ(link("file", "link"), Errno::NotCapable);
  entry(kPreopen)->rights_base |= kPathLinkTarget;
  entry(kPreopen)->rights_base &= ~kPathLinkSource;
  EXPECT_EQ(link("file", "link"), Errno::NotCapable);
  EXPECT_FALSE(exists("link"));
}

TEST_F(PathOpsTest, EachOperationNeedsItsRight) {
  ASSERT_EQ(mkdir("d"), Errno::Success);
  write_host("file", "x");
  FdEntry* root = entry(kPreopen);
  root->rights_base &= ~kPathCreateDirectory;
  EXPECT_EQ(mkdir("e"), Errno::NotCapable);
  root->rights_base &= ~kPathRemoveDirectory;
  EXPECT_EQ(rmdir("d"), Errno::NotCapable);
  root->rights_base &= ~kPathUnlinkFile;
  EXPECT_EQ(unlink("file"), Errno::NotCapable);
  root->rights_base &= ~kPathSymlink;
  EXPECT_EQ(symlink("file", "s"), Errno::NotCapable);
  root->rights_base &= ~kPathRenameSource;
  EXPECT_EQ(rename("file", "g"), Errno::NotCapable);
  EXPECT_TRUE(exists("d"));
  EXPECT_TRUE(exists("file"));
  EXPECT_FALSE(exists("e"));
  EXPECT_FALSE(exists("s"));
  EXPECT_FALSE(exists("g"));
}

TEST_F(PathOpsTest, NonDirectoryBaseIsNotDirAndUnknownFdIsBadf) {
  write_host("file", "x");
  ASSERT_EQ(open("file", 0, kFdRead), Errno::Success);
  EXPECT_EQ(mkdir("d", opened()), Errno::NotDir);
  EXPECT_EQ(unlink("file", opened()), Errno::NotDir);
  EXPECT_EQ(mkdir("d", 77), Errno::Badf);
  // stdio descriptors are not directories either.
  EXPECT_EQ(mkdir("d", 1), Errno::NotDir);
}

}  // namespace
}  // namespace cloister::wasi::testing
