// SPDX-License-Identifier: Apache-2.0
//
// A read-only grant (Cloister.toml mode "ro") is enforced by the host:
// nothing beneath it is created, removed, renamed, linked, opened for
// writing or has its times changed, through the granted descriptor or any
// descriptor derived from it.
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sallyport_test_util.h"

namespace cloister::host::sallyport::testing {
namespace {

constexpr uint64_t kRoFd = 5;

class ReadOnlyTest : public SallyportTest {
 protected:
  void SetUp() override {
    SallyportTest::SetUp();
    fs::create_directories(root_ / "ro" / "sub");
    std::ofstream(root_ / "ro" / "keep.txt") << "read only";
    fs::create_symlink("keep.txt", root_ / "ro" / "link");
    ASSERT_TRUE(server_.install(kRoFd,
                                UniqueFd(::open((root_ / "ro").c_str(), O_RDONLY | O_DIRECTORY)),
                                Server::Access::kReadOnly));
    ASSERT_EQ(::stat((root_ / "ro" / "keep.txt").c_str(), &before_), 0);
  }
  void TearDown() override {
    struct stat now;
    ASSERT_EQ(::stat((root_ / "ro" / "keep.txt").c_str(), &now), 0);
    EXPECT_EQ(now.st_mtim.tv_nsec, before_.st_mtim.tv_nsec);
    EXPECT_EQ(now.st_ctim.tv_nsec, before_.st_ctim.tv_nsec);
    EXPECT_EQ(now.st_nlink, 1u);
    EXPECT_EQ(read_file(root_ / "ro" / "keep.txt"), "read only");
    size_t entries = 0;
    for (const auto& e : fs::directory_iterator(root_ / "ro")) {
      (void)e;
      ++entries;
    }
    EXPECT_EQ(entries, 3u);
    EXPECT_TRUE(fs::is_empty(root_ / "ro" / "sub"));
    SallyportTest::TearDown();
  }
  struct stat before_;
};

TEST_F(ReadOnlyTest, ReadingWorks) {
  const int64_t f = call(SYS_openat, {kRoFd, str("keep.txt"), O_RDONLY, 0});
  ASSERT_GE(f, 0);
  const uint64_t buf = alloc(16);
  EXPECT_EQ(call(SYS_read, {static_cast<uint64_t>(f), buf, 16}), 9);
  EXPECT_EQ(call(SYS_newfstatat, {kRoFd, str("link"), alloc(144), 0}), 0);
  EXPECT_EQ(call(SYS_readlinkat, {kRoFd, str("link"), alloc(64), 64}), 8);
  EXPECT_GT(call(SYS_getdents64, {kRoFd, alloc(1024), 1024}), 0);
  EXPECT_GE(call(SYS_openat, {kRoFd, str("sub"), O_PATH | O_DIRECTORY, 0}), 0);
  // A write through a read-only descriptor is the kernel's EBADF.
  EXPECT_EQ(call(SYS_write, {static_cast<uint64_t>(f), put("x", 1), 1}), -EBADF);
  EXPECT_LT(call(SYS_ftruncate, {static_cast<uint64_t>(f), 0}), 0);
  EXPECT_LT(call(SYS_fallocate, {static_cast<uint64_t>(f), 0, 0, 100}), 0);
}

TEST_F(ReadOnlyTest, NothingOpensForWriting) {
  for (uint64_t flags : {uint64_t{O_WRONLY}, uint64_t{O_RDWR}, uint64_t{O_RDONLY | O_TRUNC},
                         uint64_t{O_RDONLY | O_CREAT}, uint64_t{O_WRONLY | O_APPEND}}) {
    EXPECT_EQ(call(SYS_openat, {kRoFd, str("keep.txt"), flags, 0644}), -EROFS) << flags;
    EXPECT_EQ(call(SYS_openat, {kRoFd, str("new.txt"), flags | O_CREAT, 0644}), -EROFS) << flags;
  }
  struct open_how how {};
  how.flags = O_RDWR;
  EXPECT_EQ(call(SYS_openat2, {kRoFd, str("keep.txt"), put(&how, sizeof(how)), sizeof(how)}),
            -EROFS);
}

TEST_F(ReadOnlyTest, NothingChangesBeneathIt) {
  EXPECT_EQ(call(SYS_mkdirat, {kRoFd, str("d"), 0777}), -EROFS);
  EXPECT_EQ(call(SYS_unlinkat, {kRoFd, str("keep.txt"), 0}), -EROFS);
  EXPECT_EQ(call(SYS_unlinkat, {kRoFd, str("sub"), AT_REMOVEDIR}), -EROFS);
  EXPECT_EQ(call(SYS_symlinkat, {str("x"), kRoFd, str("s")}), -EROFS);
  EXPECT_EQ(call(SYS_renameat, {kRoFd, str("keep.txt"), kRoFd, str("k2")}), -EROFS);
  EXPECT_EQ(call(SYS_utimensat, {kRoFd, str("keep.txt"), abi::kNull, 0}), -EROFS);
  EXPECT_EQ(call(SYS_utimensat, {kRoFd, abi::kNull, abi::kNull, 0}), -EROFS);
  // Across a read-only and a read-write tree, in both directions: a link
  // out would make the file writable through the read-write one.
  write_file("rw.txt", "rw");
  EXPECT_EQ(call(SYS_renameat, {kRoFd, str("keep.txt"), kRootFd, str("stolen")}), -EROFS);
  EXPECT_EQ(call(SYS_renameat, {kRootFd, str("rw.txt"), kRoFd, str("planted")}), -EROFS);
  EXPECT_EQ(call(SYS_linkat, {kRoFd, str("keep.txt"), kRootFd, str("stolen"), 0}), -EROFS);
  EXPECT_EQ(call(SYS_linkat, {kRootFd, str("rw.txt"), kRoFd, str("planted"), 0}), -EROFS);
  EXPECT_FALSE(fs::exists(root_ / "stolen"));
  EXPECT_TRUE(fs::exists(root_ / "rw.txt"));
}

TEST_F(ReadOnlyTest, DerivedDescriptorsAreReadOnlyToo) {
  const int64_t sub = call(SYS_openat, {kRoFd, str("sub"), O_PATH | O_DIRECTORY, 0});
  ASSERT_GE(sub, 0);
  EXPECT_EQ(call(SYS_mkdirat, {static_cast<uint64_t>(sub), str("d"), 0777}), -EROFS);
  EXPECT_EQ(call(SYS_openat, {static_cast<uint64_t>(sub), str("f"), O_WRONLY | O_CREAT, 0644}),
            -EROFS);
  const int64_t dup = call(SYS_fcntl, {kRoFd, F_DUPFD, 0});
  ASSERT_GE(dup, 0);
  EXPECT_EQ(call(SYS_symlinkat, {str("x"), static_cast<uint64_t>(dup), str("s")}), -EROFS);
  const int64_t f = call(SYS_openat, {kRoFd, str("keep.txt"), O_RDONLY, 0});
  ASSERT_GE(f, 0);
  EXPECT_EQ(call(SYS_utimensat, {static_cast<uint64_t>(f), abi::kNull, abi::kNull, 0}), -EROFS);
  // A number freed and reused for a read-write descriptor is read-write.
  EXPECT_EQ(call(SYS_close, {static_cast<uint64_t>(sub)}), 0);
  const int64_t rw = call(SYS_openat, {kRootFd, str("."), O_PATH | O_DIRECTORY, 0});
  EXPECT_EQ(rw, sub);
  EXPECT_EQ(call(SYS_mkdirat, {static_cast<uint64_t>(rw), str("d"), 0777}), 0);
  EXPECT_TRUE(fs::is_directory(root_ / "d"));
}

}  // namespace
}  // namespace cloister::host::sallyport::testing
