// SPDX-License-Identifier: Apache-2.0
//
// A hostile keep's paths: "..", absolute paths, symlinks leading out of the
// granted directory (followed by open, newfstatat, utimensat, readlinkat,
// linkat, with and without trailing slashes), names of more than one
// component, strings that do not end inside the block. Every one is refused
// with its errno, and the fixture checks after each test that nothing
// outside root/ changed.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "sallyport_test_util.h"

namespace cloister::host::sallyport::testing {
namespace {

class PathEscapeTest : public SallyportTest {
 protected:
  void SetUp() override {
    SallyportTest::SetUp();
    fs::create_directory(root_ / "sub");
    fs::create_symlink("../outside.txt", root_ / "out_file");
    fs::create_symlink("../outside_dir", root_ / "out_dir");
    fs::create_symlink((jail_ / "outside.txt").string(), root_ / "out_abs");
    fs::create_symlink("../outside_dir/new", root_ / "out_dangling");
    fs::create_symlink("/proc/self/root/etc", root_ / "out_proc");
    fs::create_symlink("out_file", root_ / "out_chain");
    ASSERT_EQ(::stat((jail_ / "outside.txt").c_str(), &outside_before_), 0);
  }
  void TearDown() override {
    struct stat now;
    ASSERT_EQ(::stat((jail_ / "outside.txt").c_str(), &now), 0);
    EXPECT_EQ(now.st_mtim.tv_sec, outside_before_.st_mtim.tv_sec);
    EXPECT_EQ(now.st_mtim.tv_nsec, outside_before_.st_mtim.tv_nsec);
    EXPECT_EQ(now.st_atim.tv_sec, outside_before_.st_atim.tv_sec);
    EXPECT_EQ(now.st_nlink, 1u);
    SallyportTest::TearDown();
  }
  struct stat outside_before_;
};

TEST_F(PathEscapeTest, OpenNeverLeavesTheDirectory) {
  for (const char* path : {"..", "../outside.txt", "sub/../../outside.txt", "/etc/passwd",
                           "out_file", "out_dir/x", "out_abs", "out_chain", "out_dangling"}) {
    EXPECT_EQ(open_guest(path, O_RDONLY), -EXDEV) << path;
    EXPECT_EQ(open_guest(path, O_RDWR | O_CREAT, 0666), -EXDEV) << path;
    EXPECT_EQ(open_guest(path, O_PATH), -EXDEV) << path;
  }
  // A magic link's absolute path is refused before /proc is reached.
  EXPECT_EQ(open_guest("out_proc", O_RDONLY), -EXDEV);
  // Even from a subdirectory the guest opened itself.
  const int64_t sub = open_guest("sub", O_PATH | O_DIRECTORY);
  ASSERT_GE(sub, 0);
  EXPECT_EQ(call(SYS_openat, {static_cast<uint64_t>(sub), str("../../outside.txt"), O_RDONLY, 0}),
            -EXDEV);
  EXPECT_EQ(call(SYS_openat, {static_cast<uint64_t>(sub), str(".."), O_RDONLY, 0}), -EXDEV)
      << "beneath the descriptor used, not the granted one";
}

TEST_F(PathEscapeTest, NoDirectoryDescriptorMeansNothing) {
  write_file("f", "x");
  const uint64_t at_fdcwd = static_cast<uint64_t>(int64_t{AT_FDCWD});
  EXPECT_EQ(call(SYS_openat, {at_fdcwd, str("/etc/passwd"), O_RDONLY, 0}), -EBADF);
  EXPECT_EQ(call(SYS_openat, {at_fdcwd, str("f"), O_RDONLY, 0}), -EBADF);
  EXPECT_EQ(call(SYS_openat, {at_fdcwd & 0xffffffff, str("f"), O_RDONLY, 0}), -EBADF);
  EXPECT_EQ(call(SYS_mkdirat, {at_fdcwd, str("x"), 0777}), -EBADF);
  EXPECT_EQ(call(SYS_newfstatat, {at_fdcwd, str("f"), alloc(144), 0}), -EBADF);
  EXPECT_EQ(call(SYS_unlinkat, {99, str("f"), 0}), -EBADF);
  EXPECT_EQ(call(SYS_renameat, {kRootFd, str("f"), 99, str("g")}), -EBADF);
  EXPECT_EQ(call(SYS_linkat, {99, str("f"), kRootFd, str("g"), 0}), -EBADF);
  EXPECT_EQ(call(SYS_symlinkat, {str("f"), 7, str("g")}), -EBADF);
  EXPECT_EQ(call(SYS_utimensat, {at_fdcwd, abi::kNull, abi::kNull, 0}), -EBADF);
  // A file descriptor is not a directory.
  const int64_t f = open_guest("f", O_RDONLY);
  ASSERT_GE(f, 0);
  EXPECT_EQ(call(SYS_openat, {static_cast<uint64_t>(f), str("x"), O_RDONLY, 0}), -ENOTDIR);
  EXPECT_TRUE(fs::exists(root_ / "f"));
}

TEST_F(PathEscapeTest, NamesOfMoreThanOneComponentAreRefused) {
  write_file("f", "x");
  for (const char* name : {"..", "../", "../outside.txt", "/tmp", "/", "//", "sub/f", "sub/..",
                           "./f", "../outside_dir/new"}) {
    EXPECT_EQ(call(SYS_mkdirat, {kRootFd, str(name), 0777}), -EPERM) << name;
    EXPECT_EQ(call(SYS_unlinkat, {kRootFd, str(name), 0}), -EPERM) << name;
    EXPECT_EQ(call(SYS_unlinkat, {kRootFd, str(name), AT_REMOVEDIR}), -EPERM) << name;
    EXPECT_EQ(call(SYS_renameat, {kRootFd, str("f"), kRootFd, str(name)}), -EPERM) << name;
    EXPECT_EQ(call(SYS_renameat, {kRootFd, str(name), kRootFd, str("g")}), -EPERM) << name;
    EXPECT_EQ(call(SYS_linkat, {kRootFd, str("f"), kRootFd, str(name), 0}), -EPERM) << name;
    EXPECT_EQ(call(SYS_linkat, {kRootFd, str(name), kRootFd, str("g"), 0}), -EPERM) << name;
    EXPECT_EQ(call(SYS_symlinkat, {str("f"), kRootFd, str(name)}), -EPERM) << name;
    EXPECT_EQ(call(SYS_readlinkat, {kRootFd, str(name), alloc(64), 64}), -EPERM) << name;
    EXPECT_EQ(call(SYS_newfstatat, {kRootFd, str(name), alloc(144), 0}), -EPERM) << name;
    EXPECT_EQ(call(SYS_utimensat, {kRootFd, str(name), abi::kNull, 0}), -EPERM) << name;
  }
  // Empty names, where AT_EMPTY_PATH does not apply.
  EXPECT_EQ(call(SYS_mkdirat, {kRootFd, str(""), 0777}), -ENOENT);
  EXPECT_EQ(call(SYS_unlinkat, {kRootFd, str(""), 0}), -ENOENT);
  EXPECT_EQ(call(SYS_renameat, {kRootFd, str(""), kRootFd, str("g")}), -ENOENT);
  EXPECT_EQ(call(SYS_linkat, {kRootFd, str(""), kRootFd, str("g"), 0}), -ENOENT);
  EXPECT_EQ(call(SYS_utimensat, {kRootFd, str(""), abi::kNull, 0}), -ENOENT);
  EXPECT_EQ(read_file(root_ / "f"), "x");
  EXPECT_FALSE(fs::exists(root_ / "g"));
}

TEST_F(PathEscapeTest, FollowingASymlinkOutIsRefused) {
  const uint64_t st = alloc(sizeof(struct stat));
  for (const char* name : {"out_file", "out_abs", "out_chain", "out_dir", "out_proc"}) {
    const int64_t r = call(SYS_newfstatat, {kRootFd, str(name), st, 0});
    EXPECT_TRUE(r == -EXDEV || r == -ELOOP) << name << " " << r;
    // The link itself may be looked at.
    EXPECT_EQ(call(SYS_newfstatat, {kRootFd, str(name), st, AT_SYMLINK_NOFOLLOW}), 0) << name;
    EXPECT_TRUE(S_ISLNK(get<struct stat>(st).st_mode)) << name;
  }
  struct timespec times[2] = {{1, 0}, {1, 0}};
  for (const char* name : {"out_file", "out_abs", "out_chain"}) {
    EXPECT_EQ(call(SYS_utimensat, {kRootFd, str(name), put(times, sizeof(times)), 0}), -EXDEV)
        << name;
    EXPECT_EQ(call(SYS_utimensat, {kRootFd, str(name), abi::kNull, 0}), -EXDEV) << name;
  }
  // With AT_SYMLINK_NOFOLLOW the link's own times change, not the target's.
  EXPECT_EQ(call(SYS_utimensat,
                 {kRootFd, str("out_file"), put(times, sizeof(times)), AT_SYMLINK_NOFOLLOW}),
            0);
}

TEST_F(PathEscapeTest, ATrailingSlashDoesNotFollowASymlinkOut) {
  // Linux follows a final symlink when the name ends in '/', even with
  // AT_SYMLINK_NOFOLLOW; the host does that following itself, confined.
  const uint64_t st = alloc(sizeof(struct stat));
  EXPECT_EQ(call(SYS_newfstatat, {kRootFd, str("out_dir/"), st, AT_SYMLINK_NOFOLLOW}), -EXDEV);
  EXPECT_EQ(call(SYS_newfstatat, {kRootFd, str("out_dir//"), st, 0}), -EXDEV);
  EXPECT_EQ(call(SYS_utimensat, {kRootFd, str("out_dir/"), abi::kNull, AT_SYMLINK_NOFOLLOW}),
            -EXDEV);
  EXPECT_EQ(call(SYS_readlinkat, {kRootFd, str("out_dir/"), alloc(64), 64}), -EXDEV);
  EXPECT_EQ(call(SYS_linkat, {kRootFd, str("out_dir/"), kRootFd, str("l"), 0}), -EXDEV);
  EXPECT_EQ(call(SYS_linkat, {kRootFd, str("out_file/"), kRootFd, str("l"), 0}), -EXDEV);
  // These never follow the final name; the kernel's own answers.
  EXPECT_EQ(call(SYS_unlinkat, {kRootFd, str("out_dir/"), AT_REMOVEDIR}), -ENOTDIR);
  EXPECT_EQ(call(SYS_mkdirat, {kRootFd, str("out_dir/"), 0777}), -EEXIST);
  EXPECT_EQ(call(SYS_renameat, {kRootFd, str("out_dir/"), kRootFd, str("r")}), -ENOTDIR);
  EXPECT_EQ(call(SYS_symlinkat, {str("x"), kRootFd, str("out_dir/")}), -EEXIST);
  // Inside, a trailing slash on a directory symlink works as in Linux.
  fs::create_symlink("sub", root_ / "to_sub");
  EXPECT_EQ(call(SYS_newfstatat, {kRootFd, str("to_sub/"), st, AT_SYMLINK_NOFOLLOW}), 0);
  EXPECT_TRUE(S_ISDIR(get<struct stat>(st).st_mode));
  EXPECT_EQ(call(SYS_linkat, {kRootFd, str("to_sub/"), kRootFd, str("l"), 0}), -EPERM);
  EXPECT_FALSE(fs::exists(root_ / "l"));
}

TEST_F(PathEscapeTest, StringsMustEndInsideTheBlock) {
  // No NUL before the end of the block.
  std::memset(block() + abi::kBlockSize - 8, 'a', 8);
  EXPECT_EQ(call(SYS_openat, {kRootFd, abi::kBlockSize - 8, O_RDONLY, 0}), -EFAULT);
  EXPECT_EQ(call(SYS_mkdirat, {kRootFd, abi::kBlockSize - 1, 0777}), -EFAULT);
  EXPECT_EQ(call(SYS_mkdirat, {kRootFd, abi::kBlockSize, 0777}), -EFAULT);
  EXPECT_EQ(call(SYS_mkdirat, {kRootFd, abi::kNull, 0777}), -EFAULT);
  // A string in the header is outside the data area even if it parses.
  EXPECT_EQ(call(SYS_mkdirat, {kRootFd, 8, 0777}), -EFAULT);
  EXPECT_EQ(call(SYS_symlinkat, {0, kRootFd, str("s")}), -EFAULT);
  // 4096 bytes without a NUL: too long (PATH_MAX counts the NUL).
  const std::string long_name(4096, 'n');
  EXPECT_EQ(open_guest(long_name, O_RDONLY | O_CREAT), -ENAMETOOLONG);
  EXPECT_EQ(call(SYS_symlinkat, {str(long_name), kRootFd, str("s")}), -ENAMETOOLONG);
  const std::string longest(4095, 'n');
  EXPECT_EQ(open_guest(longest, O_RDONLY | O_CREAT), -ENAMETOOLONG) << "the kernel's NAME_MAX";
  EXPECT_EQ(fs::directory_iterator(root_ / "sub"), fs::directory_iterator());
}

}  // namespace
}  // namespace cloister::host::sallyport::testing
