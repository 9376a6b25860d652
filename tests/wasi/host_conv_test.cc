// SPDX-License-Identifier: Apache-2.0
#include "wasi/host_conv.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <limits>

namespace cloister::wasi {
namespace {

TEST(HostConv, ErrnoValuesFollowTheSpecNumbering) {
  EXPECT_EQ(errno_from_linux(0), Errno::Success);
  EXPECT_EQ(static_cast<int>(errno_from_linux(E2BIG)), 1);
  EXPECT_EQ(static_cast<int>(errno_from_linux(EBADF)), 8);
  EXPECT_EQ(static_cast<int>(errno_from_linux(EINVAL)), 28);
  EXPECT_EQ(static_cast<int>(errno_from_linux(ENOENT)), 44);
  EXPECT_EQ(static_cast<int>(errno_from_linux(ENOTEMPTY)), 55);
  EXPECT_EQ(static_cast<int>(errno_from_linux(EXDEV)), 75);
  EXPECT_EQ(errno_from_linux(EWOULDBLOCK), Errno::Again);
  EXPECT_EQ(errno_from_linux(EOPNOTSUPP), Errno::NotSup);
  // No WASI counterpart.
  EXPECT_EQ(errno_from_linux(ENOKEY), Errno::Io);
}

TEST(HostConv, FiletypeFromMode) {
  EXPECT_EQ(filetype_from_mode(S_IFREG | 0644), Filetype::RegularFile);
  EXPECT_EQ(filetype_from_mode(S_IFDIR | 0755), Filetype::Directory);
  EXPECT_EQ(filetype_from_mode(S_IFLNK | 0777), Filetype::SymbolicLink);
  EXPECT_EQ(filetype_from_mode(S_IFCHR), Filetype::CharacterDevice);
  EXPECT_EQ(filetype_from_mode(S_IFBLK), Filetype::BlockDevice);
  EXPECT_EQ(filetype_from_mode(S_IFSOCK), Filetype::SocketStream);
  EXPECT_EQ(filetype_from_mode(S_IFIFO), Filetype::Unknown);
}

TEST(HostConv, TimestampsSaturate) {
  EXPECT_EQ(timespec_to_ns({1, 5}), 1'000'000'005u);
  EXPECT_EQ(timespec_to_ns({-1, 0}), 0u);
  EXPECT_EQ(timespec_to_ns({std::numeric_limits<time_t>::max(), 0}),
            std::numeric_limits<uint64_t>::max());
  struct timespec ts = ns_to_timespec(3'000'000'007u);
  EXPECT_EQ(ts.tv_sec, 3);
  EXPECT_EQ(ts.tv_nsec, 7);
}

TEST(HostConv, FilestatLayout) {
  struct stat st {};
  st.st_dev = 0x0102;
  st.st_ino = 77;
  st.st_mode = S_IFREG | 0600;
  st.st_nlink = 2;
  st.st_size = 12345;
  st.st_mtim = {10, 20};
  auto w = filestat_from_stat(st);
  uint64_t v;
  std::memcpy(&v, w.bytes + layout::kFilestatIno, 8);
  EXPECT_EQ(v, 77u);
  EXPECT_EQ(w.bytes[layout::kFilestatFiletype], static_cast<uint8_t>(Filetype::RegularFile));
  std::memcpy(&v, w.bytes + layout::kFilestatSize_, 8);
  EXPECT_EQ(v, 12345u);
  std::memcpy(&v, w.bytes + layout::kFilestatMtim, 8);
  EXPECT_EQ(v, 10'000'000'020u);
}

}  // namespace
}  // namespace cloister::wasi
