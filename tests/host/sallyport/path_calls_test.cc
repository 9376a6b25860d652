// SPDX-License-Identifier: Apache-2.0
//
// Every path call's happy path against a real directory.
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>

#include "sallyport_test_util.h"

namespace cloister::host::sallyport::testing {
namespace {

using PathCallsTest = SallyportTest;

TEST_F(PathCallsTest, OpenatCreatesReadsAndWrites) {
  const int64_t fd = open_guest("new.txt", O_WRONLY | O_CREAT | O_TRUNC, 0640);
  ASSERT_EQ(fd, 0) << "the lowest free number";
  EXPECT_EQ(call(SYS_write, {0, put("data", 4), 4}), 4);
  EXPECT_EQ(read_file(root_ / "new.txt"), "data");
  struct stat st;
  ASSERT_EQ(::stat((root_ / "new.txt").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0600, 0600u);
  EXPECT_EQ(st.st_mode & 0007, 0u);
  // The host descriptor is close-on-exec whatever the guest asked.
  EXPECT_EQ(call(SYS_fcntl, {0, F_GETFD}), 0);
  const int64_t ro = open_guest("new.txt", O_RDONLY | O_CLOEXEC);
  ASSERT_EQ(ro, 1);
  EXPECT_EQ(call(SYS_fcntl, {1, F_GETFD}), FD_CLOEXEC);
  EXPECT_EQ(call(SYS_write, {1, put("x", 1), 1}), -EBADF);
}

TEST_F(PathCallsTest, OpenatModesAreMasked) {
  ASSERT_GE(open_guest("suid", O_WRONLY | O_CREAT, 07777), 0);
  struct stat st;
  ASSERT_EQ(::stat((root_ / "suid").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07000, 0u) << "no set-id or sticky bits";
}

TEST_F(PathCallsTest, OpenatWalksSubdirectoriesAndPathFds) {
  fs::create_directories(root_ / "a" / "b");
  write_file("a/b/c.txt", "deep");
  const int64_t dir = call(SYS_openat, {kRootPathFd, str("a/b"), O_PATH | O_DIRECTORY, 0});
  ASSERT_GE(dir, 0);
  const int64_t f = call(SYS_openat, {static_cast<uint64_t>(dir), str("c.txt"), O_RDONLY, 0});
  ASSERT_GE(f, 0);
  const uint64_t buf = alloc(8);
  EXPECT_EQ(call(SYS_read, {static_cast<uint64_t>(f), buf, 8}), 4);
  // openat ignores flags that O_PATH does not take, as Linux's openat.
  EXPECT_GE(call(SYS_openat, {kRootFd, str("a"), O_PATH | O_RDWR | O_NOCTTY, 0}), 0);
  // A symlink that stays inside is followed.
  fs::create_symlink("a/b/c.txt", root_ / "inside");
  EXPECT_GE(open_guest("inside", O_RDONLY), 0);
}

TEST_F(PathCallsTest, Openat2) {
  write_file("f", "x");
  struct open_how how {};
  how.flags = O_RDONLY;
  how.resolve = RESOLVE_NO_SYMLINKS;
  EXPECT_GE(call(SYS_openat2, {kRootFd, str("f"), put(&how, sizeof(how)), sizeof(how)}), 0);
  how.flags = O_WRONLY | O_CREAT;
  how.mode = 0600;
  how.resolve = 0;
  EXPECT_GE(call(SYS_openat2, {kRootFd, str("g"), put(&how, sizeof(how)), sizeof(how)}), 0);
  EXPECT_TRUE(fs::exists(root_ / "g"));
  // Bad sizes, bad ranges, flags outside the table.
  EXPECT_EQ(call(SYS_openat2, {kRootFd, str("f"), put(&how, sizeof(how)), 16}), -EINVAL);
  EXPECT_EQ(call(SYS_openat2, {kRootFd, str("f"), put(&how, sizeof(how)), 32}), -EINVAL);
  EXPECT_EQ(call(SYS_openat2, {kRootFd, str("f"), abi::kBlockSize - 8, sizeof(how)}), -EFAULT);
  how = {};
  how.resolve = RESOLVE_IN_ROOT;
  EXPECT_EQ(call(SYS_openat2, {kRootFd, str("f"), put(&how, sizeof(how)), sizeof(how)}), -EINVAL);
  how = {};
  how.flags = O_RDONLY | O_TMPFILE;
  EXPECT_EQ(call(SYS_openat2, {kRootFd, str("."), put(&how, sizeof(how)), sizeof(how)}), -EINVAL);
  how = {};
  how.flags = O_RDONLY;
  how.mode = 0600;  // a mode without O_CREAT
  EXPECT_EQ(call(SYS_openat2, {kRootFd, str("f"), put(&how, sizeof(how)), sizeof(how)}), -EINVAL);
}

TEST_F(PathCallsTest, OpenatRefusesFlagsOutsideTheTable) {
  write_file("f", "x");
  for (uint64_t bad : {uint64_t{O_DIRECT}, uint64_t{O_NOATIME}, uint64_t{O_ASYNC},
                       uint64_t{O_TMPFILE}, uint64_t{1} << 32, uint64_t{040000000000}}) {
    EXPECT_EQ(open_guest("f", O_RDONLY | bad), -EINVAL) << bad;
  }
}

TEST_F(PathCallsTest, MkdirUnlinkRename) {
  EXPECT_EQ(call(SYS_mkdirat, {kRootFd, str("d"), 0755}), 0);
  EXPECT_TRUE(fs::is_directory(root_ / "d"));
  EXPECT_EQ(call(SYS_mkdirat, {kRootPathFd, str("e/"), 0755}), 0);
  EXPECT_TRUE(fs::is_directory(root_ / "e"));
  EXPECT_EQ(call(SYS_mkdirat, {kRootFd, str("d"), 0755}), -EEXIST);
  EXPECT_EQ(call(SYS_renameat, {kRootFd, str("d"), kRootPathFd, str("d2")}), 0);
  EXPECT_TRUE(fs::is_directory(root_ / "d2"));
  EXPECT_EQ(call(SYS_unlinkat, {kRootFd, str("d2"), 0}), -EISDIR);
  EXPECT_EQ(call(SYS_unlinkat, {kRootFd, str("d2"), AT_REMOVEDIR}), 0);
  EXPECT_EQ(call(SYS_unlinkat, {kRootFd, str("e/"), AT_REMOVEDIR}), 0);
  write_file("f", "x");
  EXPECT_EQ(call(SYS_unlinkat, {kRootFd, str("f"), 0}), 0);
  EXPECT_FALSE(fs::exists(root_ / "f"));
  EXPECT_EQ(call(SYS_unlinkat, {kRootFd, str("f"), 0x400}), -EINVAL);
}

TEST_F(PathCallsTest, MkdiratModeIsMasked) {
  EXPECT_EQ(call(SYS_mkdirat, {kRootFd, str("d"), 07777}), 0);
  struct stat st;
  ASSERT_EQ(::stat((root_ / "d").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07000, 0u);
}

TEST_F(PathCallsTest, RenameWithinSubdirectories) {
  fs::create_directories(root_ / "a");
  write_file("f", "x");
  const int64_t a = call(SYS_openat, {kRootFd, str("a"), O_PATH | O_DIRECTORY, 0});
  ASSERT_GE(a, 0);
  EXPECT_EQ(call(SYS_renameat, {kRootFd, str("f"), static_cast<uint64_t>(a), str("g")}), 0);
  EXPECT_EQ(read_file(root_ / "a" / "g"), "x");
}

TEST_F(PathCallsTest, LinkSymlinkReadlink) {
  write_file("f", "x");
  EXPECT_EQ(call(SYS_linkat, {kRootFd, str("f"), kRootFd, str("h"), 0}), 0);
  EXPECT_EQ(read_file(root_ / "h"), "x");
  EXPECT_EQ(call(SYS_linkat, {kRootFd, str("f"), kRootFd, str("i"), AT_SYMLINK_FOLLOW}), -EINVAL);
  EXPECT_EQ(call(SYS_linkat, {kRootFd, str(""), kRootFd, str("i"), AT_EMPTY_PATH}), -EINVAL);
  EXPECT_EQ(call(SYS_symlinkat, {str("f"), kRootFd, str("s")}), 0);
  EXPECT_TRUE(fs::is_symlink(root_ / "s"));
  const uint64_t buf = alloc(64);
  EXPECT_EQ(call(SYS_readlinkat, {kRootFd, str("s"), buf, 64}), 1);
  EXPECT_EQ(block()[buf], 'f');
  EXPECT_EQ(call(SYS_readlinkat, {kRootFd, str("f"), buf, 64}), -EINVAL);
  EXPECT_EQ(call(SYS_readlinkat, {kRootFd, str("s"), buf, 0}), -EINVAL);
  EXPECT_EQ(call(SYS_readlinkat, {kRootFd, str("s"), abi::kBlockSize - 1, 2}), -EFAULT);
  // "" reads the link an O_PATH|O_NOFOLLOW descriptor is.
  const int64_t link = call(SYS_openat, {kRootFd, str("s"), O_PATH | O_NOFOLLOW, 0});
  ASSERT_GE(link, 0);
  EXPECT_EQ(call(SYS_readlinkat, {static_cast<uint64_t>(link), str(""), buf, 64}), 1);
  // A symlink's target may be any text: it is never followed unconfined.
  EXPECT_EQ(call(SYS_symlinkat, {str("/etc/passwd"), kRootFd, str("abs")}), 0);
  EXPECT_EQ(fs::read_symlink(root_ / "abs"), "/etc/passwd");
}

TEST_F(PathCallsTest, Newfstatat) {
  write_file("f", "12345");
  fs::create_symlink("f", root_ / "s");
  const uint64_t st = alloc(sizeof(struct stat));
  EXPECT_EQ(call(SYS_newfstatat, {kRootFd, str("f"), st, 0}), 0);
  EXPECT_EQ(get<struct stat>(st).st_size, 5);
  EXPECT_TRUE(S_ISREG(get<struct stat>(st).st_mode));
  // A symlink inside the directory is followed, or not.
  EXPECT_EQ(call(SYS_newfstatat, {kRootFd, str("s"), st, 0}), 0);
  EXPECT_TRUE(S_ISREG(get<struct stat>(st).st_mode));
  EXPECT_EQ(call(SYS_newfstatat, {kRootFd, str("s"), st, AT_SYMLINK_NOFOLLOW}), 0);
  EXPECT_TRUE(S_ISLNK(get<struct stat>(st).st_mode));
  // fstat: "" with AT_EMPTY_PATH, on any descriptor.
  EXPECT_EQ(call(SYS_newfstatat, {kRootPathFd, str(""), st, AT_EMPTY_PATH}), 0);
  EXPECT_TRUE(S_ISDIR(get<struct stat>(st).st_mode));
  EXPECT_EQ(call(SYS_newfstatat, {kRootFd, str(""), st, 0}), -ENOENT);
  EXPECT_EQ(call(SYS_newfstatat, {kRootFd, str("."), st, 0}), 0);
  EXPECT_EQ(call(SYS_newfstatat, {kRootFd, str("missing"), st, 0}), -ENOENT);
  EXPECT_EQ(call(SYS_newfstatat, {kRootFd, str("f/"), st, 0}), -ENOTDIR);
  EXPECT_EQ(call(SYS_newfstatat, {kRootFd, str("f"), st, 0x8000}), -EINVAL);
  EXPECT_EQ(call(SYS_newfstatat, {kRootFd, str("f"), abi::kBlockSize - 100, 0}), -EFAULT);
}

TEST_F(PathCallsTest, Utimensat) {
  write_file("f", "x");
  fs::create_symlink("f", root_ / "s");
  struct timespec times[2] = {{1000, 0}, {2000, 0}};
  EXPECT_EQ(call(SYS_utimensat, {kRootFd, str("s"), put(times, sizeof(times)), 0}), 0);
  struct stat st;
  ASSERT_EQ(::stat((root_ / "f").c_str(), &st), 0);
  EXPECT_EQ(st.st_mtim.tv_sec, 2000);
  times[1].tv_sec = 3000;
  EXPECT_EQ(
      call(SYS_utimensat, {kRootFd, str("s"), put(times, sizeof(times)), AT_SYMLINK_NOFOLLOW}), 0);
  ASSERT_EQ(::lstat((root_ / "s").c_str(), &st), 0);
  EXPECT_EQ(st.st_mtim.tv_sec, 3000);
  ASSERT_EQ(::stat((root_ / "f").c_str(), &st), 0);
  EXPECT_EQ(st.st_mtim.tv_sec, 2000);
  // On the descriptor itself: a null name, or "" with AT_EMPTY_PATH.
  const int64_t fd = open_guest("f", O_RDWR);
  ASSERT_GE(fd, 0);
  times[1].tv_sec = 4000;
  EXPECT_EQ(
      call(SYS_utimensat, {static_cast<uint64_t>(fd), abi::kNull, put(times, sizeof(times)), 0}),
      0);
  ASSERT_EQ(::stat((root_ / "f").c_str(), &st), 0);
  EXPECT_EQ(st.st_mtim.tv_sec, 4000);
  times[1].tv_sec = 5000;
  EXPECT_EQ(call(SYS_utimensat,
                 {static_cast<uint64_t>(fd), str(""), put(times, sizeof(times)), AT_EMPTY_PATH}),
            0);
  ASSERT_EQ(::stat((root_ / "f").c_str(), &st), 0);
  EXPECT_EQ(st.st_mtim.tv_sec, 5000);
  // Now, with a null times pointer.
  EXPECT_EQ(call(SYS_utimensat, {kRootFd, str("f"), abi::kNull, 0}), 0);
  ASSERT_EQ(::stat((root_ / "f").c_str(), &st), 0);
  EXPECT_GT(st.st_mtim.tv_sec, 5000);
  // Malformed times, bad flags, times outside the block.
  times[0].tv_nsec = 1000000000;
  EXPECT_EQ(call(SYS_utimensat, {kRootFd, str("f"), put(times, sizeof(times)), 0}), -EINVAL);
  EXPECT_EQ(call(SYS_utimensat, {kRootFd, str("f"), abi::kNull, 0x8000}), -EINVAL);
  EXPECT_EQ(call(SYS_utimensat, {kRootFd, str("f"), abi::kBlockSize - 16, 0}), -EFAULT);
}

}  // namespace
}  // namespace cloister::host::sallyport::testing
