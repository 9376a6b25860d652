// SPDX-License-Identifier: Apache-2.0
//
// Descriptor calls against real files and pipes: the happy paths, and the
// hostile ones (bad fds, buffers outside the block, bad flags).
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>

#include "sallyport_test_util.h"

namespace cloister::host::sallyport::testing {
namespace {

class IoCallsTest : public SallyportTest {
 protected:
  void SetUp() override {
    SallyportTest::SetUp();
    int p[2];
    ASSERT_EQ(::pipe2(p, O_CLOEXEC), 0);
    pipe_read_ = p[0];
    ASSERT_TRUE(server_.install(0, UniqueFd(::dup(p[0]))));
    ASSERT_TRUE(server_.install(1, UniqueFd(p[1])));
  }
  void TearDown() override {
    ::close(pipe_read_);
    SallyportTest::TearDown();
  }
  int pipe_read_ = -1;  // the host's view of guest fd 0's pipe
};

TEST_F(IoCallsTest, WriteAndReadAPipe) {
  const uint64_t buf = put("hello", 5);
  EXPECT_EQ(call(SYS_write, {1, buf, 5}), 5);
  const uint64_t in = alloc(16);
  EXPECT_EQ(call(SYS_read, {0, in, 16}), 5);
  EXPECT_EQ(std::memcmp(block() + in, "hello", 5), 0);
}

TEST_F(IoCallsTest, ReadAndWriteUseTheWholeDataArea) {
  // The largest legal buffer: all of the data area.
  EXPECT_EQ(call(SYS_write, {1, abi::kDataOffset, 0}), 0);
  const int64_t fd = open_guest("big", O_RDWR | O_CREAT);
  ASSERT_GE(fd, 0);
  std::memset(block() + abi::kDataOffset, 'x', abi::kDataSize);
  EXPECT_EQ(call(SYS_write, {static_cast<uint64_t>(fd), abi::kDataOffset, abi::kDataSize}),
            static_cast<int64_t>(abi::kDataSize));
  EXPECT_EQ(fs::file_size(root_ / "big"), abi::kDataSize);
}

TEST_F(IoCallsTest, BuffersOutsideTheDataAreaAreEfault) {
  const uint64_t fd = 1;
  // Over the header, past the end, overflowing, and the null pointer.
  EXPECT_EQ(call(SYS_write, {fd, 0, 8}), -EFAULT);
  EXPECT_EQ(call(SYS_write, {fd, abi::kDataOffset - 1, 1}), -EFAULT);
  EXPECT_EQ(call(SYS_write, {fd, abi::kBlockSize - 4, 5}), -EFAULT);
  EXPECT_EQ(call(SYS_write, {fd, abi::kBlockSize, 1}), -EFAULT);
  EXPECT_EQ(call(SYS_write, {fd, abi::kDataOffset, abi::kDataSize + 1}), -EFAULT);
  EXPECT_EQ(call(SYS_write, {fd, abi::kDataOffset + 8, ~uint64_t{0} - 7}), -EFAULT);
  EXPECT_EQ(call(SYS_write, {fd, abi::kNull, 0}), -EFAULT);
  EXPECT_EQ(call(SYS_read, {0, abi::kBlockSize - 8, 16}), -EFAULT);
  EXPECT_EQ(call(SYS_pread64, {0, uint64_t{1} << 63, 1, 0}), -EFAULT);
  EXPECT_EQ(call(SYS_pwrite64, {fd, 16, 1, 0}), -EFAULT);
  EXPECT_EQ(call(SYS_getdents64, {kRootFd, abi::kBlockSize - 16, 64}), -EFAULT);
  // The last byte of the block is usable, one past it is not.
  block()[abi::kBlockSize - 1] = 'z';
  EXPECT_EQ(call(SYS_write, {fd, abi::kBlockSize - 1, 1}), 1);
  char c;
  ASSERT_EQ(::read(pipe_read_, &c, 1), 1);
  EXPECT_EQ(c, 'z');
}

TEST_F(IoCallsTest, FdsNeverGrantedOrClosedAreEbadf) {
  const uint64_t buf = alloc(8);
  for (uint64_t fd : {uint64_t{2}, uint64_t{5}, uint64_t{1023}, uint64_t{1024},
                      static_cast<uint64_t>(-100) /* AT_FDCWD */, ~uint64_t{0}}) {
    EXPECT_EQ(call(SYS_read, {fd, buf, 8}), -EBADF) << fd;
    EXPECT_EQ(call(SYS_write, {fd, buf, 8}), -EBADF) << fd;
    EXPECT_EQ(call(SYS_close, {fd}), -EBADF) << fd;
    EXPECT_EQ(call(SYS_fsync, {fd}), -EBADF) << fd;
    EXPECT_EQ(call(SYS_lseek, {fd, 0, SEEK_SET}), -EBADF) << fd;
  }
  // A host descriptor number the VMM holds is still no guest descriptor.
  EXPECT_EQ(call(SYS_write, {static_cast<uint64_t>(pipe_read_), buf, 1}), -EBADF);
  EXPECT_EQ(call(SYS_close, {1}), 0);
  EXPECT_EQ(call(SYS_write, {1, buf, 1}), -EBADF);
  EXPECT_EQ(call(SYS_close, {1}), -EBADF);
}

TEST_F(IoCallsTest, FileCalls) {
  const int64_t fd = open_guest("f", O_RDWR | O_CREAT | O_EXCL, 0600);
  ASSERT_GE(fd, 0);
  const auto f = static_cast<uint64_t>(fd);
  EXPECT_EQ(call(SYS_pwrite64, {f, put("abcdef", 6), 6, 10}), 6);
  EXPECT_EQ(call(SYS_lseek, {f, 0, SEEK_END}), 16);
  EXPECT_EQ(call(SYS_lseek, {f, 11, SEEK_SET}), 11);
  EXPECT_EQ(call(SYS_lseek, {f, 0, 5}), -EINVAL);  // whence beyond SEEK_HOLE
  const uint64_t in = alloc(4);
  EXPECT_EQ(call(SYS_pread64, {f, in, 3, 12}), 3);
  EXPECT_EQ(std::memcmp(block() + in, "cde", 3), 0);
  EXPECT_EQ(call(SYS_fsync, {f}), 0);
  EXPECT_EQ(call(SYS_fdatasync, {f}), 0);
  EXPECT_EQ(call(SYS_ftruncate, {f, 4}), 0);
  EXPECT_EQ(fs::file_size(root_ / "f"), 4u);
  EXPECT_EQ(call(SYS_ftruncate, {f, static_cast<uint64_t>(-1)}), -EINVAL);
  EXPECT_EQ(call(SYS_fallocate, {f, 0, 0, 100}), 0);
  EXPECT_EQ(fs::file_size(root_ / "f"), 100u);
  EXPECT_EQ(call(SYS_fallocate, {f, 1 /* KEEP_SIZE */, 0, 200}), -EINVAL);
  EXPECT_EQ(call(SYS_close, {f}), 0);
  // A read-only directory descriptor cannot be written.
  EXPECT_EQ(call(SYS_write, {kRootFd, put("x", 1), 1}), -EBADF);
}

TEST_F(IoCallsTest, IoctlFionreadOnly) {
  EXPECT_EQ(call(SYS_write, {1, put("1234", 4), 4}), 4);
  const uint64_t out = alloc(4);
  EXPECT_EQ(call(SYS_ioctl, {0, FIONREAD, out}), 0);
  EXPECT_EQ(get<int>(out), 4);
  EXPECT_EQ(call(SYS_ioctl, {0, FIONREAD, abi::kBlockSize - 2}), -EFAULT);
  EXPECT_EQ(call(SYS_ioctl, {0, TIOCGWINSZ, out}), -ENOTTY);
  EXPECT_EQ(call(SYS_ioctl, {0, FIONBIO, out}), -ENOTTY);
}

TEST_F(IoCallsTest, GetdentsListsTheDirectory) {
  write_file("a.txt", "a");
  const int64_t fd = open_guest(".", O_RDONLY | O_DIRECTORY);
  ASSERT_GE(fd, 0);
  const uint64_t buf = alloc(4096);
  const int64_t n = call(SYS_getdents64, {static_cast<uint64_t>(fd), buf, 4096});
  ASSERT_GT(n, 0);
  bool found = false;
  for (int64_t pos = 0; pos < n;) {
    uint16_t reclen;
    std::memcpy(&reclen, block() + buf + pos + 16, 2);
    if (std::strcmp(reinterpret_cast<char*>(block() + buf + pos + 19), "a.txt") == 0) found = true;
    pos += reclen;
  }
  EXPECT_TRUE(found);
  // On an O_PATH directory Linux refuses.
  EXPECT_EQ(call(SYS_getdents64, {kRootPathFd, buf, 4096}), -EBADF);
}

TEST_F(IoCallsTest, FcntlDupsAtTheLowestFreeNumber) {
  EXPECT_EQ(call(SYS_fcntl, {1, F_DUPFD, 0}), 2);
  EXPECT_EQ(call(SYS_fcntl, {1, F_DUPFD, 0}), 5);
  EXPECT_EQ(call(SYS_fcntl, {1, F_DUPFD_CLOEXEC, 100}), 100);
  EXPECT_EQ(call(SYS_fcntl, {100, F_GETFD}), FD_CLOEXEC);
  EXPECT_EQ(call(SYS_fcntl, {5, F_GETFD}), 0);
  EXPECT_EQ(call(SYS_fcntl, {5, F_SETFD, FD_CLOEXEC}), 0);
  EXPECT_EQ(call(SYS_fcntl, {5, F_GETFD}), FD_CLOEXEC);
  EXPECT_EQ(call(SYS_fcntl, {5, F_SETFD, 2}), -EINVAL);
  EXPECT_EQ(call(SYS_fcntl, {1, F_DUPFD, abi::kMaxFds}), -EINVAL);
  EXPECT_EQ(call(SYS_fcntl, {1, F_DUPFD, abi::kMaxFds - 1}), 1023);
  EXPECT_EQ(call(SYS_fcntl, {1, F_DUPFD, abi::kMaxFds - 1}), -EMFILE);
  // The duplicate writes to the same pipe.
  EXPECT_EQ(call(SYS_write, {100, put("d", 1), 1}), 1);
  char c;
  ASSERT_EQ(::read(pipe_read_, &c, 1), 1);
  EXPECT_EQ(c, 'd');
  EXPECT_EQ(call(SYS_close, {2}), 0);
  EXPECT_EQ(call(SYS_fcntl, {1, F_DUPFD, 0}), 2);
}

TEST_F(IoCallsTest, FcntlStatusFlags) {
  const int64_t fl = call(SYS_fcntl, {1, F_GETFL});
  ASSERT_GE(fl, 0);
  EXPECT_EQ(fl & O_NONBLOCK, 0);
  EXPECT_EQ(call(SYS_fcntl, {1, F_SETFL, static_cast<uint64_t>(fl | O_NONBLOCK)}), 0);
  EXPECT_NE(call(SYS_fcntl, {1, F_GETFL}) & O_NONBLOCK, 0);
  EXPECT_EQ(call(SYS_fcntl, {1, F_SETFL, static_cast<uint64_t>(fl)}), 0);
  EXPECT_EQ(call(SYS_fcntl, {1, F_GETFL}) & O_NONBLOCK, 0);
  EXPECT_EQ(call(SYS_fcntl, {1, F_SETFL, static_cast<uint64_t>(fl | O_ASYNC)}), -EINVAL);
  EXPECT_EQ(call(SYS_fcntl, {1, F_SETFL, static_cast<uint64_t>(fl | O_DIRECT)}), -EINVAL);
  EXPECT_EQ(call(SYS_fcntl, {1, F_SETFL, uint64_t{1} << 40}), -EINVAL);
  // Commands outside the table.
  for (uint64_t cmd : {uint64_t{F_SETLK}, uint64_t{F_GETLK}, uint64_t{F_SETOWN},
                       uint64_t{F_SETPIPE_SZ}, uint64_t{F_ADD_SEALS}, uint64_t{9999}}) {
    EXPECT_EQ(call(SYS_fcntl, {1, cmd, 0}), -EINVAL) << cmd;
  }
}

TEST_F(IoCallsTest, AFullTableIsEmfile) {
  int64_t last = 0;
  for (uint64_t i = 0; i < abi::kMaxFds; ++i) {
    const int64_t r = call(SYS_fcntl, {1, F_DUPFD, 0});
    if (r < 0) {
      EXPECT_EQ(r, -EMFILE);
      break;
    }
    last = r;
  }
  EXPECT_EQ(last, static_cast<int64_t>(abi::kMaxFds - 1));
  EXPECT_EQ(open_guest("x", O_RDWR | O_CREAT), -EMFILE);
  EXPECT_FALSE(fs::exists(root_ / "x")) << "a full table fails before anything is created";
}

}  // namespace
}  // namespace cloister::host::sallyport::testing
