// SPDX-License-Identifier: Apache-2.0
//
// confine.h on its own: path checks and how a path is split into a confined
// parent descriptor and a final name.
#include "wasi/confine.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>

namespace cloister::wasi {
namespace {

class ConfineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/cloister-confine-test-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    ASSERT_EQ(::mkdir((root_ + "/a").c_str(), 0777), 0);
    ASSERT_EQ(::mkdir((root_ + "/a/b").c_str(), 0777), 0);
    ASSERT_EQ(::symlink("a", (root_ + "/to_a").c_str()), 0);
    ASSERT_EQ(::symlink("/", (root_ + "/to_root").c_str()), 0);
    dir_.reset(::open(root_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    ASSERT_TRUE(dir_.valid());
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }
  // The inode `t` designates (its parent descriptor + name, or itself).
  ino_t inode_of(const PathTarget& t) {
    struct stat st {};
    EXPECT_EQ(::fstatat(t.dirfd, t.c_name(), &st, t.nofollow_flags()), 0);
    return st.st_ino;
  }
  ino_t host_inode(const std::string& rel) {
    struct stat st {};
    EXPECT_EQ(::lstat((root_ + "/" + rel).c_str(), &st), 0);
    return st.st_ino;
  }

  std::string root_;
  UniqueFd dir_;
};

TEST(ConfineChecks, GuestPaths) {
  EXPECT_EQ(check_guest_path("a/b"), Errno::Success);
  EXPECT_EQ(check_guest_path("."), Errno::Success);
  EXPECT_EQ(check_guest_path("héllo/日本"), Errno::Success);
  EXPECT_EQ(check_guest_path(""), Errno::NoEnt);
  EXPECT_EQ(check_guest_path(std::string_view("a\0b", 3)), Errno::Inval);
  EXPECT_EQ(check_guest_path("/etc"), Errno::NotCapable);
  EXPECT_EQ(check_guest_path("/"), Errno::NotCapable);
  EXPECT_EQ(check_guest_path("a\xff"), Errno::Ilseq);
  EXPECT_EQ(check_guest_path("a\xc0\xaf"), Errno::Ilseq);          // overlong '/'
  EXPECT_EQ(check_guest_path("a\xed\xa0\x80"), Errno::Ilseq);      // surrogate
  EXPECT_EQ(check_guest_path("a\xf4\x90\x80\x80"), Errno::Ilseq);  // > U+10FFFF
  EXPECT_EQ(check_guest_path("a\xe6\x97"), Errno::Ilseq);          // cut short
  EXPECT_EQ(check_symlink_target("../x"), Errno::Success);
  EXPECT_EQ(check_symlink_target("/x"), Errno::NotCapable);
  EXPECT_TRUE(has_trailing_slash("a/"));
  EXPECT_FALSE(has_trailing_slash("a"));
}

TEST_F(ConfineTest, NofollowSplitsParentAndLastName) {
  auto t = resolve_nofollow(dir_.get(), "a/b");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->name, "b");
  EXPECT_NE(t->dirfd, dir_.get());
  EXPECT_EQ(inode_of(*t), host_inode("a/b"));

  auto single = resolve_nofollow(dir_.get(), "a");
  ASSERT_TRUE(single.ok());
  EXPECT_EQ(single->dirfd, dir_.get());
  EXPECT_FALSE(single->owned.valid());
  EXPECT_EQ(single->name, "a");

  // Trailing slashes stay on the name for the kernel to interpret.
  auto slashed = resolve_nofollow(dir_.get(), "a/b//");
  ASSERT_TRUE(slashed.ok());
  EXPECT_EQ(slashed->name, "b//");

  // A final symlink is named, not followed; one in the middle is followed.
  auto link = resolve_nofollow(dir_.get(), "to_a");
  ASSERT_TRUE(link.ok());
  EXPECT_EQ(inode_of(*link), host_inode("to_a"));
  auto through = resolve_nofollow(dir_.get(), "to_a/b");
  ASSERT_TRUE(through.ok());
  EXPECT_EQ(inode_of(*through), host_inode("a/b"));
}

TEST_F(ConfineTest, FinalDotAndDotDotAreResolvedCompletely) {
  auto dot = resolve_nofollow(dir_.get(), "a/b/.");
  ASSERT_TRUE(dot.ok());
  EXPECT_EQ(dot->name, ".");
  EXPECT_EQ(inode_of(*dot), host_inode("a/b"));
  auto up = resolve_nofollow(dir_.get(), "a/b/..");
  ASSERT_TRUE(up.ok());
  EXPECT_EQ(inode_of(*up), host_inode("a"));
  auto out = resolve_nofollow(dir_.get(), "a/../..");
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error(), Errno::NotCapable);
  EXPECT_EQ(resolve_nofollow(dir_.get(), "..").error(), Errno::NotCapable);
}

TEST_F(ConfineTest, FollowResolvesToTheTargetItself) {
  auto t = resolve_follow(dir_.get(), "to_a");
  ASSERT_TRUE(t.ok());
  EXPECT_TRUE(t->is_self());
  EXPECT_EQ(inode_of(*t), host_inode("a"));
  EXPECT_EQ(resolve_follow(dir_.get(), "to_root").error(), Errno::NotCapable);
  EXPECT_EQ(resolve_follow(dir_.get(), "to_root/etc").error(), Errno::NotCapable);
  EXPECT_EQ(resolve_nofollow(dir_.get(), "to_root/etc").error(), Errno::NotCapable);
  // resolve_lookup follows on request or because of a trailing slash.
  EXPECT_TRUE(resolve_lookup(dir_.get(), "to_a/", false)->is_self());
  EXPECT_FALSE(resolve_lookup(dir_.get(), "to_a", false)->is_self());
  EXPECT_TRUE(resolve_lookup(dir_.get(), "to_a", true)->is_self());
}

TEST_F(ConfineTest, OpenBeneathAddsCloexecAndMapsEscapes) {
  auto fd = open_beneath(dir_.get(), "a", O_RDONLY | O_DIRECTORY);
  ASSERT_TRUE(fd.ok());
  EXPECT_NE(::fcntl(fd->get(), F_GETFD) & FD_CLOEXEC, 0);
  EXPECT_EQ(open_beneath(dir_.get(), "../x", O_RDONLY).error(), Errno::NotCapable);
  EXPECT_EQ(open_beneath(dir_.get(), "missing", O_RDONLY).error(), Errno::NoEnt);
}

}  // namespace
}  // namespace cloister::wasi
