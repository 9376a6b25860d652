// SPDX-License-Identifier: Apache-2.0
//
// The shim's Iago checks (src/sallyport/checks.h): honest replies pass, and
// each kind of lie a hostile host could tell is caught.
#include "sallyport/checks.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

namespace cloister::sallyport {
namespace {

// ---- ret: errno range, lengths, zero results ----

TEST(Checks, ErrnoInRangePasses) {
  EXPECT_EQ(check_errno(0), nullptr);
  EXPECT_EQ(check_errno(12345), nullptr);
  EXPECT_EQ(check_errno(-1), nullptr);
  EXPECT_EQ(check_errno(-kMaxErrno), nullptr);
}

TEST(Checks, ErrnoOutOfRangeIsCaught) {
  EXPECT_NE(check_errno(-kMaxErrno - 1), nullptr);
  EXPECT_NE(check_errno(-4096), nullptr);
  EXPECT_NE(check_errno(INT64_MIN), nullptr);
  EXPECT_NE(check_length(-200, 10), nullptr);
  EXPECT_NE(check_zero(-134), nullptr);
}

TEST(Checks, LengthWithinAskedPasses) {
  EXPECT_EQ(check_length(0, 0), nullptr);
  EXPECT_EQ(check_length(0, 100), nullptr);
  EXPECT_EQ(check_length(100, 100), nullptr);
  EXPECT_EQ(check_length(-11, 100), nullptr);  // EAGAIN
}

TEST(Checks, OversizedLengthIsCaught) {
  EXPECT_STREQ(check_length(101, 100), "length larger than asked");
  EXPECT_NE(check_length(1, 0), nullptr);
  EXPECT_NE(check_length(INT64_MAX, kDataSize), nullptr);
}

TEST(Checks, ZeroResult) {
  EXPECT_EQ(check_zero(0), nullptr);
  EXPECT_EQ(check_zero(-2), nullptr);
  EXPECT_NE(check_zero(1), nullptr);
}

// ---- descriptors ----

TEST(Checks, NewFdPlausible) {
  FdSet open{};
  for (uint64_t fd = 0; fd < 4; ++fd) open.add(fd);
  EXPECT_EQ(check_new_fd(4, open), nullptr);
  EXPECT_EQ(check_new_fd(static_cast<int64_t>(kMaxFds) - 1, open), nullptr);
  EXPECT_EQ(check_new_fd(-24, open), nullptr);  // EMFILE
  EXPECT_EQ(check_new_fd(10, open, 10), nullptr);
}

TEST(Checks, BogusFdIsCaught) {
  FdSet open{};
  for (uint64_t fd = 0; fd < 4; ++fd) open.add(fd);
  EXPECT_STREQ(check_new_fd(2, open), "new fd already open");
  EXPECT_STREQ(check_new_fd(static_cast<int64_t>(kMaxFds), open), "new fd out of range");
  EXPECT_NE(check_new_fd(1 << 30, open), nullptr);
  EXPECT_STREQ(check_new_fd(5, open, 10), "new fd below the lowest allowed");
  EXPECT_NE(check_new_fd(-1000, open), nullptr);
}

TEST(Checks, FdSetTracksOpenAndClose) {
  FdSet open{};
  EXPECT_FALSE(open.contains(0));
  open.add(0);
  open.add(63);
  open.add(64);
  open.add(kMaxFds - 1);
  open.add(kMaxFds);  // out of range: ignored
  EXPECT_TRUE(open.contains(0));
  EXPECT_TRUE(open.contains(63));
  EXPECT_TRUE(open.contains(64));
  EXPECT_TRUE(open.contains(kMaxFds - 1));
  EXPECT_FALSE(open.contains(kMaxFds));
  EXPECT_FALSE(open.contains(65));
  open.remove(63);
  EXPECT_FALSE(open.contains(63));
  EXPECT_TRUE(open.contains(64));
}

TEST(Checks, FileStatusFlags) {
  EXPECT_EQ(check_file_flags(02), nullptr);                    // O_RDWR
  EXPECT_EQ(check_file_flags(02 | 04000 | 0100000), nullptr);  // NONBLOCK, LARGEFILE
  EXPECT_EQ(check_file_flags(0200000 | 02000000), nullptr);    // DIRECTORY, CLOEXEC
  EXPECT_EQ(check_file_flags(-9), nullptr);
  EXPECT_STREQ(check_file_flags(04), "unknown file status flags");
  EXPECT_NE(check_file_flags(int64_t{1} << 40), nullptr);
  EXPECT_NE(check_file_flags(040000000), nullptr);
}

TEST(Checks, DescriptorFlags) {
  EXPECT_EQ(check_fd_flags(0), nullptr);
  EXPECT_EQ(check_fd_flags(1), nullptr);
  EXPECT_NE(check_fd_flags(2), nullptr);
  EXPECT_NE(check_fd_flags(-500), nullptr);
}

// ---- stat ----

LinuxStat honest_stat() {
  LinuxStat st{};
  st.mode = 0100644;  // regular file
  st.nlink = 1;
  st.size = 4096;
  st.blksize = 4096;
  st.blocks = 8;
  st.atime_sec = 1700000000;
  st.atime_nsec = 999999999;
  st.mtime_nsec = 0;
  st.ctime_nsec = 123;
  return st;
}

TEST(Checks, HonestStatPasses) {
  EXPECT_EQ(check_stat(honest_stat()), nullptr);
  for (uint32_t type : {0140000u, 0120000u, 0060000u, 0040000u, 0020000u, 0010000u}) {
    LinuxStat st = honest_stat();
    st.mode = type | 0755;
    EXPECT_EQ(check_stat(st), nullptr) << std::oct << type;
  }
  LinuxStat st = honest_stat();
  st.mode = 0104755;  // setuid bits are fine
  EXPECT_EQ(check_stat(st), nullptr);
}

TEST(Checks, GarbageStatIsCaught) {
  LinuxStat st = honest_stat();
  st.mode = 0644;  // no file type
  EXPECT_STREQ(check_stat(st), "invalid file type");
  st.mode = 0030644;  // not a type Linux has
  EXPECT_STREQ(check_stat(st), "invalid file type");
  st = honest_stat();
  st.mode |= 0x10000;
  EXPECT_STREQ(check_stat(st), "unknown mode bits");
  st = honest_stat();
  st.size = -1;
  EXPECT_STREQ(check_stat(st), "negative size");
  st = honest_stat();
  st.blocks = INT64_MIN;
  EXPECT_STREQ(check_stat(st), "negative block count");
  st = honest_stat();
  st.mtime_nsec = 1000000000;
  EXPECT_STREQ(check_stat(st), "timestamp nanoseconds out of range");
  st = honest_stat();
  st.ctime_nsec = -1;
  EXPECT_NE(check_stat(st), nullptr);
  // All bytes 0xff: what a host scribbling over the buffer would leave.
  std::memset(&st, 0xff, sizeof(st));
  EXPECT_NE(check_stat(st), nullptr);
}

// ---- time ----

TEST(Checks, Timespecs) {
  EXPECT_EQ(check_timespec({0, 0}), nullptr);
  EXPECT_EQ(check_timespec({1700000000, 999999999}), nullptr);
  EXPECT_STREQ(check_timespec({0, 1000000000}), "nanoseconds out of range");
  EXPECT_NE(check_timespec({0, -1}), nullptr);
  EXPECT_STREQ(check_timespec({-1, 0}), "negative seconds");
}

TEST(Checks, RemainingSleepNoLongerThanAsked) {
  EXPECT_EQ(check_remaining({0, 500}, {1, 0}), nullptr);
  EXPECT_EQ(check_remaining({1, 0}, {1, 0}), nullptr);
  EXPECT_STREQ(check_remaining({1, 1}, {1, 0}), "remaining time longer than asked");
  EXPECT_NE(check_remaining({5, 0}, {1, 0}), nullptr);
  EXPECT_NE(check_remaining({0, 2000000000}, {5, 0}), nullptr);
}

// ---- getdents64 ----

// Appends one linux_dirent64 record with `name`, padded to 8 bytes.
void add_dirent(std::vector<uint8_t>& buf, const std::string& name, uint8_t type,
                uint16_t reclen = 0) {
  const size_t at = buf.size();
  const uint16_t len =
      reclen != 0 ? reclen : static_cast<uint16_t>((kDirentNameOffset + name.size() + 1 + 7) & ~7u);
  buf.resize(at + len, 0);
  const uint64_t ino = 42;
  std::memcpy(&buf[at], &ino, 8);
  std::memcpy(&buf[at + kDirentReclenOffset], &len, 2);
  buf[at + kDirentTypeOffset] = type;
  std::memcpy(&buf[at + kDirentNameOffset], name.data(),
              std::min(name.size(), len - kDirentNameOffset));
}

TEST(Checks, HonestDirentsPass) {
  std::vector<uint8_t> buf;
  add_dirent(buf, ".", 4);
  add_dirent(buf, "..", 4);
  add_dirent(buf, "a", 8);
  add_dirent(buf, "hello.txt", 8);
  add_dirent(buf, "a-name-exactly-to-the-end", 10);
  add_dirent(buf, "sock", 12);
  add_dirent(buf, "mystery", 0);
  EXPECT_EQ(check_dirents(buf.data(), buf.size()), nullptr);
  EXPECT_EQ(check_dirents(buf.data(), 0), nullptr);
}

TEST(Checks, MalformedDirentsAreCaught) {
  {
    std::vector<uint8_t> buf;
    add_dirent(buf, "ok", 8);
    add_dirent(buf, "next", 8);
    // Cut inside the second record: the length runs past the reply.
    EXPECT_STREQ(check_dirents(buf.data(), buf.size() - 2), "record past the end");
    EXPECT_STREQ(check_dirents(buf.data(), 24 + 10), "record header past the end");
  }
  {
    std::vector<uint8_t> buf;
    add_dirent(buf, "x", 8, 20);  // header + 1 byte: not 8-aligned
    EXPECT_NE(check_dirents(buf.data(), buf.size()), nullptr);
  }
  {
    std::vector<uint8_t> buf;
    add_dirent(buf, "abcdefghijk", 8, 28);
    EXPECT_STREQ(check_dirents(buf.data(), buf.size()), "record length not 8-aligned");
  }
  {
    std::vector<uint8_t> buf(24, 0);  // reclen 0 would loop for ever
    EXPECT_STREQ(check_dirents(buf.data(), buf.size()), "record too short");
  }
  {
    std::vector<uint8_t> buf;
    add_dirent(buf, "", 8);
    EXPECT_STREQ(check_dirents(buf.data(), buf.size()), "empty name");
  }
  {
    std::vector<uint8_t> buf;
    add_dirent(buf, "../etc", 4);
    EXPECT_STREQ(check_dirents(buf.data(), buf.size()), "name contains '/'");
  }
  {
    std::vector<uint8_t> buf;
    add_dirent(buf, "abc", 8);
    // Name and padding all non-NUL up to the record's end.
    for (size_t i = kDirentNameOffset; i < buf.size(); ++i) buf[i] = 'x';
    EXPECT_STREQ(check_dirents(buf.data(), buf.size()), "name not NUL-terminated");
  }
  {
    std::vector<uint8_t> buf;
    add_dirent(buf, "abc", 3);  // d_type 3 is not a type
    EXPECT_STREQ(check_dirents(buf.data(), buf.size()), "invalid d_type");
  }
}

// ---- sockaddr ----

// A sockaddr_storage whose family field is `family`.
std::vector<uint8_t> sockaddr_of(uint16_t family) {
  std::vector<uint8_t> addr(kSockaddrStorageSize, 0);
  std::memcpy(addr.data(), &family, 2);
  return addr;
}

TEST(Checks, HonestSockaddrsPass) {
  EXPECT_EQ(check_sockaddr(sockaddr_of(kAfInet).data(), 16, 128), nullptr);
  EXPECT_EQ(check_sockaddr(sockaddr_of(kAfInet6).data(), 28, 128), nullptr);
  EXPECT_EQ(check_sockaddr(sockaddr_of(kAfUnix).data(), 2, 128), nullptr);  // unnamed
  EXPECT_EQ(check_sockaddr(sockaddr_of(kAfUnix).data(), 110, 128), nullptr);
  EXPECT_EQ(check_sockaddr(sockaddr_of(0).data(), 0, 128), nullptr);
}

TEST(Checks, OversizeOrInconsistentSockaddrIsCaught) {
  EXPECT_STREQ(check_sockaddr(sockaddr_of(kAfInet).data(), 200, 256),
               "address length larger than sockaddr_storage");
  EXPECT_STREQ(check_sockaddr(sockaddr_of(kAfInet).data(), 16, 8),
               "address length larger than given");
  EXPECT_NE(check_sockaddr(sockaddr_of(kAfInet).data(), 0xffffffff, 128), nullptr);
  EXPECT_STREQ(check_sockaddr(sockaddr_of(kAfInet).data(), 8, 128), "AF_INET address too short");
  EXPECT_STREQ(check_sockaddr(sockaddr_of(kAfInet6).data(), 16, 128), "AF_INET6 address too short");
  EXPECT_STREQ(check_sockaddr(sockaddr_of(kAfUnix).data(), 111, 128), "AF_UNIX address too long");
  EXPECT_STREQ(check_sockaddr(sockaddr_of(17).data(), 16, 128), "unknown address family");
  EXPECT_NE(check_sockaddr(sockaddr_of(kAfInet).data(), 1, 128), nullptr);
}

// ---- ppoll ----

TEST(Checks, HonestPollPasses) {
  const LinuxPollFd sent[3] = {{0, 1, 0}, {-1, 1, 0}, {5, 4, 0}};
  LinuxPollFd got[3] = {{0, 1, 1}, {-1, 1, 0}, {5, 4, 0x10}};  // POLLIN; -; POLLHUP
  EXPECT_EQ(check_poll(2, sent, got, 3), nullptr);
  got[2].revents = 0;
  EXPECT_EQ(check_poll(1, sent, got, 3), nullptr);
  got[0].revents = 0x20;  // POLLNVAL may always come back
  EXPECT_EQ(check_poll(1, sent, got, 3), nullptr);
  EXPECT_EQ(check_poll(-4, sent, got, 3), nullptr);  // EINTR
}

TEST(Checks, LyingPollIsCaught) {
  const LinuxPollFd sent[2] = {{0, 1, 0}, {-1, 1, 0}};
  LinuxPollFd got[2] = {{0, 1, 1}, {-1, 1, 0}};
  EXPECT_STREQ(check_poll(3, sent, got, 2), "more ready entries than asked");
  EXPECT_STREQ(check_poll(2, sent, got, 2), "ready count disagrees with revents");
  EXPECT_STREQ(check_poll(0, sent, got, 2), "ready count disagrees with revents");
  got[0].fd = 7;
  EXPECT_STREQ(check_poll(1, sent, got, 2), "fd changed");
  got[0] = {0, 4, 1};
  EXPECT_STREQ(check_poll(1, sent, got, 2), "events changed");
  got[0] = {0, 1, 0x4};  // POLLOUT, never asked for
  EXPECT_STREQ(check_poll(1, sent, got, 2), "revents not asked for");
  got[0] = {0, 1, static_cast<int16_t>(0x8000)};
  EXPECT_STREQ(check_poll(1, sent, got, 2), "unknown revents bits");
  got[0] = {0, 1, 0};
  got[1] = {-1, 1, 1};
  EXPECT_STREQ(check_poll(1, sent, got, 2), "revents for a negative fd");
}

// ---- the rest ----

TEST(Checks, OptionLengthAndReadableBytes) {
  EXPECT_EQ(check_optlen(4, 4), nullptr);
  EXPECT_EQ(check_optlen(0, 4), nullptr);
  EXPECT_STREQ(check_optlen(8, 4), "option length larger than given");
  EXPECT_EQ(check_nread(0), nullptr);
  EXPECT_EQ(check_nread(65536), nullptr);
  EXPECT_STREQ(check_nread(-1), "negative byte count");
}

}  // namespace
}  // namespace cloister::sallyport
