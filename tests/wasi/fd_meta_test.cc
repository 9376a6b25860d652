// SPDX-License-Identifier: Apache-2.0
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "fd_test_util.h"

namespace cloister::wasi::testing {
namespace {

constexpr uint32_t kOut = 2000;

class FdMetaTest : public FdTest {};

TEST_F(FdMetaTest, FdstatOfAPreopenAFileAndStdio) {
  ASSERT_EQ(call("fd_fdstat_get", {i32(3), i32(kOut)}), Errno::Success);
  EXPECT_EQ(get_u8(kOut + layout::kFdstatFiletype), static_cast<uint8_t>(Filetype::Directory));
  EXPECT_EQ(get_u16(kOut + layout::kFdstatFlags), 0);
  EXPECT_EQ(get_u64(kOut + layout::kFdstatRightsBase), rights::kDirectory);
  EXPECT_EQ(get_u64(kOut + layout::kFdstatRightsInheriting),
            rights::kDirectory | rights::kRegularFile);
  EXPECT_EQ(get_u64(kOut + layout::kFdstatRightsBase) & rights::kFdFilestatSetSize, 0u);

  const uint32_t fd = open_file("f", O_RDWR | O_CREAT | O_APPEND | O_NONBLOCK, kRw);
  ASSERT_EQ(call("fd_fdstat_get", {i32(fd), i32(kOut)}), Errno::Success);
  EXPECT_EQ(get_u8(kOut + layout::kFdstatFiletype), static_cast<uint8_t>(Filetype::RegularFile));
  EXPECT_EQ(get_u16(kOut + layout::kFdstatFlags), kFdflagAppend | kFdflagNonblock);
  EXPECT_EQ(get_u64(kOut + layout::kFdstatRightsBase), kRw);

  const uint32_t sync = open_file("g", O_RDWR | O_CREAT | O_SYNC, kRw);
  ASSERT_EQ(call("fd_fdstat_get", {i32(sync), i32(kOut)}), Errno::Success);
  EXPECT_EQ(get_u16(kOut + layout::kFdstatFlags), kFdflagSync | kFdflagDsync);
  const uint32_t dsync = open_file("g", O_RDWR | O_DSYNC, kRw);
  ASSERT_EQ(call("fd_fdstat_get", {i32(dsync), i32(kOut)}), Errno::Success);
  EXPECT_EQ(get_u16(kOut + layout::kFdstatFlags), kFdflagDsync);

  // stdio pipes: no WASI type for FIFOs, stream rights.
  ASSERT_EQ(call("fd_fdstat_get", {i32(1), i32(kOut)}), Errno::Success);
  EXPECT_EQ(get_u8(kOut + layout::kFdstatFiletype), static_cast<uint8_t>(Filetype::Unknown));
  EXPECT_EQ(get_u64(kOut + layout::kFdstatRightsBase), rights::kStream);
}

TEST_F(FdMetaTest, FdstatErrors) {
  EXPECT_EQ(call("fd_fdstat_get", {i32(9), i32(kOut)}), Errno::Badf);
  EXPECT_EQ(call("fd_fdstat_get", {i32(3), i32(kPage - 23)}), Errno::Fault);
  EXPECT_EQ(call("fd_fdstat_get", {i32(3), i32(0xFFFFFFF0)}), Errno::Fault);
}

TEST_F(FdMetaTest, SetFlagsTogglesAppend) {
  // fd_flags_set (Rust test suite): append on, then off again.
  const uint32_t fd = open_file("f", O_RDWR | O_CREAT | O_APPEND, kRw | rights::kFdFdstatSetFlags);
  put_bytes(100, "aaaa");
  put_u32(0, 100);
  put_u32(4, 4);
  ASSERT_EQ(call("fd_write", {i32(fd), i32(0), i32(1), i32(kOut)}), Errno::Success);
  ASSERT_EQ(call("fd_seek", {i32(fd), i64(0), i32(kWhenceSet), i32(kOut)}), Errno::Success);
  ASSERT_EQ(call("fd_write", {i32(fd), i32(0), i32(1), i32(kOut)}), Errno::Success);
  EXPECT_EQ(read_host_file("f"), "aaaaaaaa");
  ASSERT_EQ(call("fd_fdstat_set_flags", {i32(fd), i32(0)}), Errno::Success);
  ASSERT_EQ(call("fd_fdstat_get", {i32(fd), i32(kOut)}), Errno::Success);
  EXPECT_EQ(get_u16(kOut + layout::kFdstatFlags), 0);
  put_bytes(100, "bb");
  put_u32(4, 2);
  ASSERT_EQ(call("fd_seek", {i32(fd), i64(0), i32(kWhenceSet), i32(kOut)}), Errno::Success);
  ASSERT_EQ(call("fd_write", {i32(fd), i32(0), i32(1), i32(kOut)}), Errno::Success);
  EXPECT_EQ(read_host_file("f"), "bbaaaaaa");
  ASSERT_EQ(call("fd_fdstat_set_flags", {i32(fd), i32(kFdflagAppend | kFdflagNonblock)}),
            Errno::Success);
  ASSERT_EQ(call("fd_fdstat_get", {i32(fd), i32(kOut)}), Errno::Success);
  EXPECT_EQ(get_u16(kOut + layout::kFdstatFlags), kFdflagAppend | kFdflagNonblock);
}

TEST_F(FdMetaTest, SetFlagsRefusesSyncFlagsAndNeedsTheRight) {
  const uint32_t fd = open_file("f", O_RDWR | O_CREAT, kRw | rights::kFdFdstatSetFlags);
  for (uint16_t f : {kFdflagDsync, kFdflagRsync, kFdflagSync, uint16_t{1 << 5}}) {
    EXPECT_EQ(call("fd_fdstat_set_flags", {i32(fd), i32(f)}), Errno::Inval) << f;
  }
  const uint32_t no = open_file("f", O_RDWR, kRw);
  EXPECT_EQ(call("fd_fdstat_set_flags", {i32(no), i32(kFdflagAppend)}), Errno::NotCapable);
  EXPECT_EQ(call("fd_fdstat_set_flags", {i32(42), i32(0)}), Errno::Badf);
}

TEST_F(FdMetaTest, SetRightsOnlyDrops) {
  const uint32_t fd = open_file("f", O_RDWR | O_CREAT, kRw);
  ASSERT_EQ(call("fd_fdstat_set_rights", {i32(fd), i64(kRw), i64(0)}), Errno::Success);
  ASSERT_EQ(call("fd_fdstat_set_rights",
                 {i32(fd), i64(kRw & ~(rights::kFdRead | rights::kFdWrite)), i64(0)}),
            Errno::Success);
  ASSERT_EQ(call("fd_fdstat_get", {i32(fd), i32(kOut)}), Errno::Success);
  EXPECT_EQ(get_u64(kOut + layout::kFdstatRightsBase), kRw & ~(rights::kFdRead | rights::kFdWrite));
  put_u32(0, 100);
  put_u32(4, 1);
  EXPECT_EQ(call("fd_read", {i32(fd), i32(0), i32(1), i32(kOut)}), Errno::NotCapable);
  // Regaining a dropped right, or gaining a new one, is NotCapable.
  EXPECT_EQ(call("fd_fdstat_set_rights", {i32(fd), i64(kRw), i64(0)}), Errno::NotCapable);
  EXPECT_EQ(call("fd_fdstat_set_rights", {i32(fd), i64(0), i64(rights::kFdRead)}),
            Errno::NotCapable);
  // Directories: inheriting rights can be dropped independently.
  ASSERT_EQ(call("fd_fdstat_set_rights",
                 {i32(3), i64(rights::kDirectory),
                  i64((rights::kDirectory | rights::kRegularFile) & ~rights::kFdFilestatSetSize)}),
            Errno::Success);
  ASSERT_EQ(call("fd_fdstat_get", {i32(3), i32(kOut)}), Errno::Success);
  EXPECT_EQ(get_u64(kOut + layout::kFdstatRightsInheriting) & rights::kFdFilestatSetSize, 0u);
  EXPECT_EQ(call("fd_fdstat_set_rights", {i32(42), i64(0), i64(0)}), Errno::Badf);
}

TEST_F(FdMetaTest, FilestatGetAndSetSize) {
  write_host_file("f", "12345");
  const uint32_t fd = open_file("f", O_RDWR, kRw | rights::kFdFilestatSetSize);
  struct stat st {};
  ASSERT_EQ(::stat(host_path("f").c_str(), &st), 0);
  ASSERT_EQ(call("fd_filestat_get", {i32(fd), i32(kOut)}), Errno::Success);
  EXPECT_EQ(get_u64(kOut + layout::kFilestatDev), st.st_dev);
  EXPECT_EQ(get_u64(kOut + layout::kFilestatIno), st.st_ino);
  EXPECT_EQ(get_u8(kOut + layout::kFilestatFiletype), static_cast<uint8_t>(Filetype::RegularFile));
  EXPECT_EQ(get_u64(kOut + layout::kFilestatNlink), 1u);
  EXPECT_EQ(get_u64(kOut + layout::kFilestatSize_), 5u);
  ASSERT_EQ(call("fd_filestat_set_size", {i32(fd), i64(100)}), Errno::Success);
  ASSERT_EQ(call("fd_filestat_get", {i32(fd), i32(kOut)}), Errno::Success);
  EXPECT_EQ(get_u64(kOut + layout::kFilestatSize_), 100u);
  EXPECT_EQ(read_host_file("f"), std::string("12345") + std::string(95, '\0'));
  ASSERT_EQ(call("fd_filestat_set_size", {i32(fd), i64(2)}), Errno::Success);
  EXPECT_EQ(read_host_file("f"), "12");
  EXPECT_EQ(call("fd_filestat_set_size", {i32(fd), i64(1ull << 63)}), Errno::Inval);
  EXPECT_EQ(call("fd_filestat_get", {i32(fd), i32(kPage - 63)}), Errno::Fault);

  // The preopen is a directory without the set-size right.
  ASSERT_EQ(call("fd_filestat_get", {i32(3), i32(kOut)}), Errno::Success);
  EXPECT_EQ(get_u8(kOut + layout::kFilestatFiletype), static_cast<uint8_t>(Filetype::Directory));
  EXPECT_EQ(call("fd_filestat_set_size", {i32(3), i64(0)}), Errno::NotCapable);
  const uint32_t no = open_file("f", O_RDWR, rights::kFdRead);
  EXPECT_EQ(call("fd_filestat_get", {i32(no), i32(kOut)}), Errno::NotCapable);
  EXPECT_EQ(call("fd_filestat_set_size", {i32(no), i64(0)}), Errno::NotCapable);
  EXPECT_EQ(call("fd_filestat_get", {i32(50), i32(kOut)}), Errno::Badf);
}

TEST_F(FdMetaTest, SetTimes) {
  const uint32_t fd = open_file("f", O_RDWR | O_CREAT, kRw | rights::kFdFilestatSetTimes);
  struct stat before {};
  ASSERT_EQ(::stat(host_path("f").c_str(), &before), 0);
  const uint64_t t = 1'000'000'123'000'456'789ull;  // 2001-09-09, with nanoseconds
  ASSERT_EQ(call("fd_filestat_set_times", {i32(fd), i64(0), i64(t), i32(kFstMtim)}),
            Errno::Success);
  struct stat after {};
  ASSERT_EQ(::stat(host_path("f").c_str(), &after), 0);
  EXPECT_EQ(after.st_mtim.tv_sec, 1'000'000'123);
  EXPECT_EQ(after.st_mtim.tv_nsec, 456'789);
  EXPECT_EQ(after.st_atim.tv_sec, before.st_atim.tv_sec);  // omitted
  EXPECT_EQ(after.st_atim.tv_nsec, before.st_atim.tv_nsec);
  ASSERT_EQ(call("fd_filestat_set_times", {i32(fd), i64(t), i64(0), i32(kFstAtim | kFstMtimNow)}),
            Errno::Success);
  ASSERT_EQ(::stat(host_path("f").c_str(), &after), 0);
  EXPECT_EQ(after.st_atim.tv_sec, 1'000'000'123);
  EXPECT_GT(after.st_mtim.tv_sec, 1'500'000'000);  // now
  ASSERT_EQ(call("fd_filestat_get", {i32(fd), i32(kOut)}), Errno::Success);
  EXPECT_EQ(get_u64(kOut + layout::kFilestatAtim), t);
}

TEST_F(FdMetaTest, SetTimesValidatesFlags) {
  // fstflags_validate (Rust test suite).
  const uint32_t fd = open_file("f", O_RDWR | O_CREAT, kRw | rights::kFdFilestatSetTimes);
  EXPECT_EQ(
      call("fd_filestat_set_times", {i32(fd), i64(100), i64(200), i32(kFstMtim | kFstMtimNow)}),
      Errno::Inval);
  EXPECT_EQ(
      call("fd_filestat_set_times", {i32(fd), i64(100), i64(200), i32(kFstAtim | kFstAtimNow)}),
      Errno::Inval);
  EXPECT_EQ(call("fd_filestat_set_times", {i32(fd), i64(100), i64(200), i32(1 << 4)}),
            Errno::Inval);
  EXPECT_EQ(call("fd_filestat_set_times", {i32(fd), i64(0), i64(0), i32(0)}), Errno::Success);
  const uint32_t no = open_file("f", O_RDWR, kRw);
  EXPECT_EQ(call("fd_filestat_set_times", {i32(no), i64(0), i64(0), i32(kFstMtimNow)}),
            Errno::NotCapable);
  // Read-only preopens refuse it.
  rebuild({.read_only_root = true});
  EXPECT_EQ(call("fd_filestat_set_times", {i32(3), i64(0), i64(0), i32(kFstMtimNow)}),
            Errno::NotCapable);
}

TEST_F(FdMetaTest, Prestat) {
  ASSERT_EQ(call("fd_prestat_get", {i32(3), i32(kOut)}), Errno::Success);
  EXPECT_EQ(get_u8(kOut + layout::kPrestatTag), kPreopentypeDir);
  EXPECT_EQ(get_u32(kOut + layout::kPrestatDirNameLen), 1u);
  put_bytes(100, "xxxx");
  ASSERT_EQ(call("fd_prestat_dir_name", {i32(3), i32(100), i32(1)}), Errno::Success);
  EXPECT_EQ(get_bytes(100, 4), "/xxx");  // exactly the name, no NUL
  ASSERT_EQ(call("fd_prestat_dir_name", {i32(3), i32(100), i32(4)}), Errno::Success);
  EXPECT_EQ(get_bytes(100, 4), "/xxx");
  EXPECT_EQ(call("fd_prestat_dir_name", {i32(3), i32(100), i32(0)}), Errno::NameTooLong);
  EXPECT_EQ(call("fd_prestat_dir_name", {i32(3), i32(kPage), i32(1)}), Errno::Fault);
  EXPECT_EQ(call("fd_prestat_get", {i32(3), i32(kPage - 7)}), Errno::Fault);
  // Not preopens (stdio, a file, a gap): Badf, which ends wasi-libc's scan.
  for (uint32_t fd : {0u, 1u, 2u, 4u, 100u}) {
    EXPECT_EQ(call("fd_prestat_get", {i32(fd), i32(kOut)}), Errno::Badf) << fd;
    EXPECT_EQ(call("fd_prestat_dir_name", {i32(fd), i32(100), i32(10)}), Errno::Badf) << fd;
  }
  const uint32_t fd = open_file("f", O_RDWR | O_CREAT, kRw);
  EXPECT_EQ(call("fd_prestat_get", {i32(fd), i32(kOut)}), Errno::Badf);
}

TEST_F(FdMetaTest, CloseIncludingAPreopen) {
  // close_preopen (Rust test suite): closing a preopen works.
  ASSERT_EQ(call("fd_close", {i32(3)}), Errno::Success);
  EXPECT_EQ(call("fd_fdstat_get", {i32(3), i32(kOut)}), Errno::Badf);
  EXPECT_EQ(call("fd_close", {i32(3)}), Errno::Badf);
  EXPECT_EQ(call("fd_prestat_get", {i32(3), i32(kOut)}), Errno::Badf);
  // The number is reused by the next descriptor.
  EXPECT_EQ(open_file("f", O_RDWR | O_CREAT, kRw), 3u);
}

TEST_F(FdMetaTest, Renumber) {
  const uint32_t a = open_file("a", O_RDWR | O_CREAT, kRw);
  const uint32_t b = open_file("b", O_RDWR | O_CREAT, rights::kFdWrite);
  struct stat sa {};
  ASSERT_EQ(::stat(host_path("a").c_str(), &sa), 0);
  ASSERT_EQ(call("fd_renumber", {i32(a), i32(b)}), Errno::Success);
  EXPECT_EQ(call("fd_close", {i32(a)}), Errno::Badf);
  ASSERT_EQ(call("fd_fdstat_get", {i32(b), i32(kOut)}), Errno::Success);
  EXPECT_EQ(get_u64(kOut + layout::kFdstatRightsBase), kRw);
  ASSERT_EQ(call("fd_filestat_get", {i32(b), i32(kOut)}), Errno::Success);
  EXPECT_EQ(get_u64(kOut + layout::kFilestatIno), sa.st_ino);
  // To a closed number: Badf (renumber), and nothing changes.
  EXPECT_EQ(call("fd_renumber", {i32(b), i32(a)}), Errno::Badf);
  EXPECT_EQ(call("fd_renumber", {i32(a), i32(b)}), Errno::Badf);
  ASSERT_EQ(call("fd_fdstat_get", {i32(b), i32(kOut)}), Errno::Success);
  // To itself: nothing happens.
  EXPECT_EQ(call("fd_renumber", {i32(b), i32(b)}), Errno::Success);
  ASSERT_EQ(call("fd_fdstat_get", {i32(b), i32(kOut)}), Errno::Success);
  // Over a preopen (overwrite_preopen) and over stdio (stdio).
  ASSERT_EQ(call("fd_renumber", {i32(b), i32(3)}), Errno::Success);
  EXPECT_EQ(call("fd_prestat_get", {i32(3), i32(kOut)}), Errno::Badf);
  ASSERT_EQ(call("fd_renumber", {i32(1), i32(3)}), Errno::Success);
  EXPECT_EQ(call("fd_fdstat_get", {i32(1), i32(kOut)}), Errno::Badf);
  put_bytes(100, "via3");
  put_u32(0, 100);
  put_u32(4, 4);
  ASSERT_EQ(call("fd_write", {i32(3), i32(0), i32(1), i32(kOut)}), Errno::Success);
  char got[4];
  ASSERT_EQ(::read(stdout_r_.get(), got, 4), 4);
  EXPECT_EQ(std::string(got, 4), "via3");
}

}  // namespace
}  // namespace cloister::wasi::testing
