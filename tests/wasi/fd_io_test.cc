// SPDX-License-Identifier: Apache-2.0
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "fd_test_util.h"
#include "wasi/iovec.h"

namespace cloister::wasi::testing {
namespace {

// Guest memory layout used below: iovec arrays at 0.., buffers at 1000..,
// results at 4000.
constexpr uint32_t kIovs = 0, kBuf = 1000, kOut = 4000;

class FdIoTest : public FdTest {};

TEST_F(FdIoTest, WriteGathersIovecsToStdout) {
  put_bytes(kBuf, "hello, ");
  put_bytes(kBuf + 100, "world");
  put_iov(kIovs, kBuf, 7);
  put_iov(kIovs + 8, kBuf + 100, 0);  // empty buffers are fine
  put_iov(kIovs + 16, kBuf + 100, 5);
  ASSERT_EQ(call("fd_write", {i32(1), i32(kIovs), i32(3), i32(kOut)}), Errno::Success);
  EXPECT_EQ(get_u32(kOut), 12u);
  char got[32] = {};
  ASSERT_EQ(::read(stdout_r_.get(), got, sizeof got), 12);
  EXPECT_EQ(std::string(got, 12), "hello, world");
}

TEST_F(FdIoTest, ReadScattersFromStdin) {
  ASSERT_EQ(::write(stdin_w_.get(), "abcdef", 6), 6);
  put_iov(kIovs, kBuf, 2);
  put_iov(kIovs + 8, kBuf + 100, 10);
  ASSERT_EQ(call("fd_read", {i32(0), i32(kIovs), i32(2), i32(kOut)}), Errno::Success);
  EXPECT_EQ(get_u32(kOut), 6u);
  EXPECT_EQ(get_bytes(kBuf, 2), "ab");
  EXPECT_EQ(get_bytes(kBuf + 100, 4), "cdef");
  // End of file: 0 bytes, success.
  stdin_w_.reset();
  ASSERT_EQ(call("fd_read", {i32(0), i32(kIovs), i32(2), i32(kOut)}), Errno::Success);
  EXPECT_EQ(get_u32(kOut), 0u);
}

TEST_F(FdIoTest, ReadWriteSeekTellOnAFile) {
  const uint32_t fd = open_file("f", O_RDWR | O_CREAT, kRw);
  put_bytes(kBuf, "0123456789");
  put_iov(kIovs, kBuf, 10);
  ASSERT_EQ(call("fd_write", {i32(fd), i32(kIovs), i32(1), i32(kOut)}), Errno::Success);
  EXPECT_EQ(get_u32(kOut), 10u);
  ASSERT_EQ(call("fd_tell", {i32(fd), i32(kOut)}), Errno::Success);
  EXPECT_EQ(get_u64(kOut), 10u);
  ASSERT_EQ(call("fd_seek", {i32(fd), i64(static_cast<uint64_t>(-4)), i32(kWhenceCur), i32(kOut)}),
            Errno::Success);
  EXPECT_EQ(get_u64(kOut), 6u);
  put_iov(kIovs, kBuf + 200, 100);
  ASSERT_EQ(call("fd_read", {i32(fd), i32(kIovs), i32(1), i32(kOut)}), Errno::Success);
  EXPECT_EQ(get_u32(kOut), 4u);  // a short read at the end
  EXPECT_EQ(get_bytes(kBuf + 200, 4), "6789");
  ASSERT_EQ(call("fd_seek", {i32(fd), i64(2), i32(kWhenceSet), i32(kOut)}), Errno::Success);
  EXPECT_EQ(get_u64(kOut), 2u);
  ASSERT_EQ(call("fd_seek", {i32(fd), i64(static_cast<uint64_t>(-1)), i32(kWhenceEnd), i32(kOut)}),
            Errno::Success);
  EXPECT_EQ(get_u64(kOut), 9u);
  // Past the end is allowed, before the start is not (and leaves the offset).
  ASSERT_EQ(call("fd_seek", {i32(fd), i64(1000), i32(kWhenceCur), i32(kOut)}), Errno::Success);
  EXPECT_EQ(get_u64(kOut), 1009u);
  EXPECT_EQ(
      call("fd_seek", {i32(fd), i64(static_cast<uint64_t>(-2000)), i32(kWhenceCur), i32(kOut)}),
      Errno::Inval);
  ASSERT_EQ(call("fd_tell", {i32(fd), i32(kOut)}), Errno::Success);
  EXPECT_EQ(get_u64(kOut), 1009u);
  EXPECT_EQ(call("fd_seek", {i32(fd), i64(0), i32(3), i32(kOut)}), Errno::Inval);
  EXPECT_EQ(call("fd_seek", {i32(fd), i64(0), i32(0x100), i32(kOut)}), Errno::Inval);
}

TEST_F(FdIoTest, PreadPwriteLeaveTheOffsetAlone) {
  const uint32_t fd = open_file("f", O_RDWR | O_CREAT, kRw);
  put_bytes(kBuf, "abcd");
  put_iov(kIovs, kBuf, 2);
  put_iov(kIovs + 8, kBuf + 2, 2);
  ASSERT_EQ(call("fd_pwrite", {i32(fd), i32(kIovs), i32(2), i64(3), i32(kOut)}), Errno::Success);
  EXPECT_EQ(get_u32(kOut), 4u);
  ASSERT_EQ(call("fd_tell", {i32(fd), i32(kOut)}), Errno::Success);
  EXPECT_EQ(get_u64(kOut), 0u);
  EXPECT_EQ(read_host_file("f"), std::string("\0\0\0abcd", 7));
  put_iov(kIovs, kBuf + 100, 3);
  ASSERT_EQ(call("fd_pread", {i32(fd), i32(kIovs), i32(1), i64(4), i32(kOut)}), Errno::Success);
  EXPECT_EQ(get_u32(kOut), 3u);
  EXPECT_EQ(get_bytes(kBuf + 100, 3), "bcd");
  ASSERT_EQ(call("fd_pread", {i32(fd), i32(kIovs), i32(1), i64(100), i32(kOut)}), Errno::Success);
  EXPECT_EQ(get_u32(kOut), 0u);
  ASSERT_EQ(call("fd_tell", {i32(fd), i32(kOut)}), Errno::Success);
  EXPECT_EQ(get_u64(kOut), 0u);
  // Offsets beyond off_t.
  EXPECT_EQ(call("fd_pread", {i32(fd), i32(kIovs), i32(1), i64(1ull << 63), i32(kOut)}),
            Errno::Inval);
  EXPECT_EQ(call("fd_pwrite", {i32(fd), i32(kIovs), i32(1), i64(~0ull), i32(kOut)}), Errno::Inval);
}

TEST_F(FdIoTest, PwriteOnAppendKeepsTheOffset) {
  // pwrite-with-append (C test suite): the offset stays; the data lands at
  // the end (Linux) or at the offset (POSIX), either is accepted.
  const uint32_t fd = open_file("f", O_RDWR | O_CREAT | O_APPEND, kRw);
  put_bytes(kBuf, "xy");
  put_iov(kIovs, kBuf, 2);
  ASSERT_EQ(call("fd_write", {i32(fd), i32(kIovs), i32(1), i32(kOut)}), Errno::Success);
  ASSERT_EQ(call("fd_seek", {i32(fd), i64(0), i32(kWhenceSet), i32(kOut)}), Errno::Success);
  ASSERT_EQ(call("fd_write", {i32(fd), i32(kIovs), i32(1), i32(kOut)}), Errno::Success);
  ASSERT_EQ(call("fd_tell", {i32(fd), i32(kOut)}), Errno::Success);
  EXPECT_EQ(get_u64(kOut), 4u);
  ASSERT_EQ(call("fd_pwrite", {i32(fd), i32(kIovs), i32(1), i64(0), i32(kOut)}), Errno::Success);
  ASSERT_EQ(call("fd_tell", {i32(fd), i32(kOut)}), Errno::Success);
  EXPECT_EQ(get_u64(kOut), 4u);
  const size_t size = read_host_file("f").size();
  EXPECT_TRUE(size == 4 || size == 6) << size;
}

TEST_F(FdIoTest, RightsAreChecked) {
  const uint32_t ro = open_file("f", O_RDWR | O_CREAT, rights::kFdRead);
  put_iov(kIovs, kBuf, 4);
  EXPECT_EQ(call("fd_write", {i32(ro), i32(kIovs), i32(1), i32(kOut)}), Errno::NotCapable);
  EXPECT_EQ(call("fd_pwrite", {i32(ro), i32(kIovs), i32(1), i64(0), i32(kOut)}), Errno::NotCapable);
  // Positional reads need fd_seek too.
  EXPECT_EQ(call("fd_pread", {i32(ro), i32(kIovs), i32(1), i64(0), i32(kOut)}), Errno::NotCapable);
  EXPECT_EQ(call("fd_seek", {i32(ro), i64(1), i32(kWhenceSet), i32(kOut)}), Errno::NotCapable);
  EXPECT_EQ(call("fd_tell", {i32(ro), i32(kOut)}), Errno::NotCapable);
  EXPECT_EQ(call("fd_sync", {i32(ro)}), Errno::NotCapable);
  EXPECT_EQ(call("fd_datasync", {i32(ro)}), Errno::NotCapable);
  EXPECT_EQ(call("fd_advise", {i32(ro), i64(0), i64(0), i32(0)}), Errno::NotCapable);
  EXPECT_EQ(call("fd_allocate", {i32(ro), i64(0), i64(1)}), Errno::NotCapable);

  const uint32_t wo = open_file("g", O_RDWR | O_CREAT, rights::kFdWrite);
  EXPECT_EQ(call("fd_read", {i32(wo), i32(kIovs), i32(1), i32(kOut)}), Errno::NotCapable);

  // fd_tell alone: fd_tell and fd_seek(0, CUR) work, moving does not.
  const uint32_t tell = open_file("h", O_RDWR | O_CREAT, rights::kFdTell);
  EXPECT_EQ(call("fd_tell", {i32(tell), i32(kOut)}), Errno::Success);
  EXPECT_EQ(call("fd_seek", {i32(tell), i64(0), i32(kWhenceCur), i32(kOut)}), Errno::Success);
  EXPECT_EQ(call("fd_seek", {i32(tell), i64(0), i32(kWhenceSet), i32(kOut)}), Errno::NotCapable);
  // fd_seek implies fd_tell.
  const uint32_t seek = open_file("h", O_RDWR, rights::kFdSeek);
  EXPECT_EQ(call("fd_tell", {i32(seek), i32(kOut)}), Errno::Success);
}

TEST_F(FdIoTest, ClosedAndUnknownFdsAreBadf) {
  put_iov(kIovs, kBuf, 4);
  for (uint32_t fd : {77u, 0xFFFFFFFFu}) {
    EXPECT_EQ(call("fd_read", {i32(fd), i32(kIovs), i32(1), i32(kOut)}), Errno::Badf);
    EXPECT_EQ(call("fd_write", {i32(fd), i32(kIovs), i32(1), i32(kOut)}), Errno::Badf);
    EXPECT_EQ(call("fd_pread", {i32(fd), i32(kIovs), i32(1), i64(0), i32(kOut)}), Errno::Badf);
    EXPECT_EQ(call("fd_pwrite", {i32(fd), i32(kIovs), i32(1), i64(0), i32(kOut)}), Errno::Badf);
    EXPECT_EQ(call("fd_seek", {i32(fd), i64(0), i32(0), i32(kOut)}), Errno::Badf);
    EXPECT_EQ(call("fd_tell", {i32(fd), i32(kOut)}), Errno::Badf);
    EXPECT_EQ(call("fd_sync", {i32(fd)}), Errno::Badf);
    EXPECT_EQ(call("fd_datasync", {i32(fd)}), Errno::Badf);
    EXPECT_EQ(call("fd_advise", {i32(fd), i64(0), i64(0), i32(0)}), Errno::Badf);
    EXPECT_EQ(call("fd_allocate", {i32(fd), i64(0), i64(1)}), Errno::Badf);
  }
  ASSERT_EQ(call("fd_close", {i32(1)}), Errno::Success);
  EXPECT_EQ(call("fd_write", {i32(1), i32(kIovs), i32(1), i32(kOut)}), Errno::Badf);
}

TEST_F(FdIoTest, BadPointersAreFaultAndTransferNothing) {
  ASSERT_EQ(::write(stdin_w_.get(), "abc", 3), 3);
  // The result pointer is checked before reading, so no input is lost.
  put_iov(kIovs, kBuf, 3);
  EXPECT_EQ(call("fd_read", {i32(0), i32(kIovs), i32(1), i32(kPage - 2)}), Errno::Fault);
  put_iov(kIovs, kPage - 1, 2);
  EXPECT_EQ(call("fd_read", {i32(0), i32(kIovs), i32(1), i32(kOut)}), Errno::Fault);
  EXPECT_EQ(call("fd_read", {i32(0), i32(kPage - 4), i32(1), i32(kOut)}), Errno::Fault);
  put_iov(kIovs, kBuf, 3);
  ASSERT_EQ(call("fd_read", {i32(0), i32(kIovs), i32(1), i32(kOut)}), Errno::Success);
  EXPECT_EQ(get_bytes(kBuf, 3), "abc");

  const uint32_t fd = open_file("f", O_RDWR | O_CREAT, kRw);
  put_iov(kIovs, kPage - 1, 2);
  EXPECT_EQ(call("fd_write", {i32(fd), i32(kIovs), i32(1), i32(kOut)}), Errno::Fault);
  EXPECT_EQ(call("fd_pwrite", {i32(fd), i32(kIovs), i32(1), i64(0), i32(kOut)}), Errno::Fault);
  EXPECT_EQ(call("fd_pread", {i32(fd), i32(kIovs), i32(1), i64(0), i32(kOut)}), Errno::Fault);
  EXPECT_EQ(read_host_file("f"), "");
  EXPECT_EQ(call("fd_seek", {i32(fd), i64(5), i32(kWhenceSet), i32(kPage - 7)}), Errno::Fault);
  EXPECT_EQ(call("fd_tell", {i32(fd), i32(kPage - 7)}), Errno::Fault);
  ASSERT_EQ(call("fd_tell", {i32(fd), i32(kOut)}), Errno::Success);
  EXPECT_EQ(get_u64(kOut), 0u);  // the failed seek did not move
  // Too many iovecs.
  EXPECT_EQ(call("fd_write", {i32(fd), i32(kIovs), i32(kMaxIovecs + 1), i32(kOut)}), Errno::Inval);
}

TEST_F(FdIoTest, DirectoriesRefuseDataAndSeeking) {
  // The preopen (fd 3) holds no read/write/seek rights: dir_fd_op_failures.
  put_iov(kIovs, kBuf, 16);
  EXPECT_EQ(call("fd_read", {i32(3), i32(kIovs), i32(1), i32(kOut)}), Errno::NotCapable);
  EXPECT_EQ(call("fd_write", {i32(3), i32(kIovs), i32(1), i32(kOut)}), Errno::NotCapable);
  EXPECT_EQ(call("fd_seek", {i32(3), i64(0), i32(kWhenceCur), i32(kOut)}), Errno::NotCapable);
  EXPECT_EQ(call("fd_tell", {i32(3), i32(kOut)}), Errno::NotCapable);
  EXPECT_EQ(call("fd_allocate", {i32(3), i64(0), i64(1)}), Errno::NotCapable);
  // Even holding the rights, a directory is not a byte stream.
  const int dir = ::open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  const uint32_t fd = add_fd(dir, kRw);
  EXPECT_EQ(call("fd_read", {i32(fd), i32(kIovs), i32(1), i32(kOut)}), Errno::IsDir);
  EXPECT_EQ(call("fd_seek", {i32(fd), i64(0), i32(kWhenceSet), i32(kOut)}), Errno::IsDir);
  EXPECT_EQ(call("fd_tell", {i32(fd), i32(kOut)}), Errno::IsDir);
  // Syncing a directory is fine.
  EXPECT_EQ(call("fd_sync", {i32(3)}), Errno::Success);
}

TEST_F(FdIoTest, PipesDoNotSeek) {
  // stdio pipes have no seek right; granted one anyway, lseek says Spipe.
  EXPECT_EQ(call("fd_seek", {i32(0), i64(0), i32(kWhenceCur), i32(kOut)}), Errno::NotCapable);
  int p[2];
  ASSERT_EQ(::pipe2(p, O_CLOEXEC), 0);
  ::close(p[1]);
  const uint32_t fd = add_fd(p[0], kRw | rights::kFdAdvise);
  EXPECT_EQ(call("fd_tell", {i32(fd), i32(kOut)}), Errno::Spipe);
  put_iov(kIovs, kBuf, 1);
  EXPECT_EQ(call("fd_pread", {i32(fd), i32(kIovs), i32(1), i64(0), i32(kOut)}), Errno::Spipe);
  EXPECT_EQ(call("fd_advise", {i32(fd), i64(0), i64(0), i32(0)}), Errno::Spipe);
}

TEST_F(FdIoTest, ReadOnlyEntriesNeverWrite) {
  // An entry below a read-only preopen refuses writes even if its rights
  // say otherwise.
  const uint32_t fd = open_file("f", O_RDWR | O_CREAT, kRw | rights::kWriting, true);
  put_iov(kIovs, kBuf, 1);
  EXPECT_EQ(call("fd_write", {i32(fd), i32(kIovs), i32(1), i32(kOut)}), Errno::NotCapable);
  EXPECT_EQ(call("fd_pwrite", {i32(fd), i32(kIovs), i32(1), i64(0), i32(kOut)}), Errno::NotCapable);
  EXPECT_EQ(call("fd_allocate", {i32(fd), i64(0), i64(1)}), Errno::NotCapable);
  EXPECT_EQ(call("fd_sync", {i32(fd)}), Errno::NotCapable);
  EXPECT_EQ(read_host_file("f"), "");
  // A read-only preopen itself holds no writing rights at all.
  rebuild({.read_only_root = true});
  EXPECT_EQ(call("fd_sync", {i32(3)}), Errno::NotCapable);
}

TEST_F(FdIoTest, SyncAndDatasync) {
  const uint32_t fd = open_file("f", O_RDWR | O_CREAT, rights::kFdSync | rights::kFdDatasync);
  EXPECT_EQ(call("fd_sync", {i32(fd)}), Errno::Success);
  EXPECT_EQ(call("fd_datasync", {i32(fd)}), Errno::Success);
  // A pipe cannot be synced (Linux: EINVAL).
  EXPECT_EQ(call("fd_sync", {i32(1)}), Errno::Inval);
}

TEST_F(FdIoTest, AdviseValidates) {
  const uint32_t fd = open_file("f", O_RDWR | O_CREAT, rights::kFdAdvise);
  for (uint32_t advice = 0; advice <= kAdviceMax; ++advice) {
    EXPECT_EQ(call("fd_advise", {i32(fd), i64(10), i64(50), i32(advice)}), Errno::Success);
  }
  EXPECT_EQ(call("fd_advise", {i32(fd), i64(0), i64(0), i32(kAdviceMax + 1)}), Errno::Inval);
  EXPECT_EQ(call("fd_advise", {i32(fd), i64(1ull << 63), i64(0), i32(0)}), Errno::Inval);
}

TEST_F(FdIoTest, AllocateGrowsButNeverShrinks) {
  const uint32_t fd = open_file("f", O_RDWR | O_CREAT, rights::kFdAllocate);
  const Errno first = call("fd_allocate", {i32(fd), i64(0), i64(100)});
  if (first == Errno::NotSup) GTEST_SKIP() << "the temp filesystem has no fallocate";
  ASSERT_EQ(first, Errno::Success);
  EXPECT_EQ(read_host_file("f").size(), 100u);
  EXPECT_EQ(call("fd_allocate", {i32(fd), i64(10), i64(10)}), Errno::Success);
  EXPECT_EQ(read_host_file("f").size(), 100u);
  EXPECT_EQ(call("fd_allocate", {i32(fd), i64(90), i64(20)}), Errno::Success);
  EXPECT_EQ(read_host_file("f").size(), 110u);
  EXPECT_EQ(call("fd_allocate", {i32(fd), i64(0), i64(0)}), Errno::Inval);  // Linux: len 0
  EXPECT_EQ(call("fd_allocate", {i32(fd), i64(1ull << 63), i64(1)}), Errno::Inval);
  EXPECT_EQ(call("fd_allocate", {i32(fd), i64((1ull << 63) - 1), i64(2)}), Errno::Fbig);
}

TEST_F(FdIoTest, SocketsReadAndWrite) {
  int sv[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
  UniqueFd peer(sv[1]);
  const uint32_t fd = add_fd(sv[0], rights::kSocket);
  put_bytes(kBuf, "ping");
  put_iov(kIovs, kBuf, 4);
  ASSERT_EQ(call("fd_write", {i32(fd), i32(kIovs), i32(1), i32(kOut)}), Errno::Success);
  char got[4];
  ASSERT_EQ(::read(peer.get(), got, 4), 4);
  EXPECT_EQ(std::string(got, 4), "ping");
  EXPECT_EQ(call("fd_seek", {i32(fd), i64(0), i32(kWhenceCur), i32(kOut)}), Errno::NotCapable);
}

}  // namespace
}  // namespace cloister::wasi::testing
