// SPDX-License-Identifier: Apache-2.0
//
// Every fd_* function called many times with arguments drawn from edge
// values (pointers at and past the end of memory, huge lengths and counts,
// closed and renumbered descriptors, every flag bit). Each call must return
// a defined WASI errno and never crash or touch memory outside the guest's
// (the sanitizer build checks the latter).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "fd_test_util.h"
#include "wasi/iovec.h"

namespace cloister::wasi::testing {
namespace {

class FdRandomTest : public FdTest {
 protected:
  // Descriptors that never block: stdio becomes /dev/null, plus files and
  // directories under root_.
  void replace_stdio() {
    for (uint32_t fd = 0; fd < 3; ++fd) {
      ASSERT_EQ(ctx_->fds().close(fd), Errno::Success);
      const int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
      ASSERT_GE(null, 0);
      FdEntry e;
      e.host.reset(null);
      e.type = Filetype::CharacterDevice;
      e.rights_base = rights::kStream;
      ctx_->fds().insert_at(fd, std::move(e));
    }
  }
  void refill() {
    while (ctx_->fds().size() < 8) {
      switch (rng_() % 3) {
        case 0:
          open_file("f" + std::to_string(rng_() % 4), O_RDWR | O_CREAT, rights::kAll);
          break;
        case 1:
          add_fd(::open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC), rights::kAll);
          break;
        default:
          open_file("f" + std::to_string(rng_() % 4), O_RDONLY | O_CREAT, rights::kFdRead,
                    /*read_only=*/true);
          break;
      }
    }
  }
  // Appends and positional writes must not fill the disk: cut every file
  // back (sparse sizes from far offsets cost nothing and are left).
  void keep_files_small() {
    for (int i = 0; i < 4; ++i) {
      const std::string path = host_path("f" + std::to_string(i));
      struct stat st {};
      if (::stat(path.c_str(), &st) == 0 && st.st_blocks * 512 > (1 << 20)) {
        ASSERT_EQ(::truncate(path.c_str(), 0), 0);
      }
    }
  }
  uint32_t fd() { return static_cast<uint32_t>(rng_() % 12); }
  uint32_t ptr() {
    static constexpr uint32_t kPtrs[] = {
        0,         8,         100,   4096,      kPage - 64,  kPage - 24,  kPage - 8,
        kPage - 4, kPage - 1, kPage, kPage + 1, 0x80000000u, 0xFFFFFFF8u, 0xFFFFFFFFu};
    return rng_() % 4 == 0 ? static_cast<uint32_t>(rng_() % kPage)
                           : kPtrs[rng_() % std::size(kPtrs)];
  }
  uint32_t len32() {
    static constexpr uint32_t kLens[] = {0, 1, 2, 8, 24, 25, 100, 1024, 1025, kPage, 0xFFFFFFFFu};
    return kLens[rng_() % std::size(kLens)];
  }
  uint64_t value64() {
    static constexpr uint64_t kValues[] = {0,          1,          100,        4096,
                                           1ull << 31, 1ull << 32, 1ull << 40, (1ull << 63) - 1,
                                           1ull << 63, ~0ull - 1,  ~0ull};
    return kValues[rng_() % std::size(kValues)];
  }
  // Lengths for fd_allocate: small, or too large to be attempted at all.
  uint64_t alloc_len() { return rng_() % 2 ? rng_() % 4096 : (1ull << 63) + rng_() % 5; }
  // A random iovec array in memory: buffers anywhere, lengths up to 4 KiB so
  // the files stay small.
  void scribble_iovecs() {
    for (uint32_t at = 0; at < 256; at += 8) {
      put_iov(at, ptr(), static_cast<uint32_t>(rng_() % 3 == 0 ? len32() % 4096 : rng_() % 64));
    }
  }

  std::mt19937_64 rng_{20261127};
};

TEST_F(FdRandomTest, EveryCallReturnsADefinedErrno) {
  replace_stdio();
  const char* const kNames[] = {"fd_read",
                                "fd_write",
                                "fd_pread",
                                "fd_pwrite",
                                "fd_seek",
                                "fd_tell",
                                "fd_sync",
                                "fd_datasync",
                                "fd_advise",
                                "fd_allocate",
                                "fd_close",
                                "fd_renumber",
                                "fd_fdstat_get",
                                "fd_fdstat_set_flags",
                                "fd_fdstat_set_rights",
                                "fd_filestat_get",
                                "fd_filestat_set_size",
                                "fd_filestat_set_times",
                                "fd_prestat_get",
                                "fd_prestat_dir_name",
                                "fd_readdir"};
  std::vector<int> seen(kErrnoMax + 1, 0);
  for (int i = 0; i < 6000; ++i) {
    refill();
    if (i % 256 == 0) keep_files_small();
    if (i % 16 == 0) scribble_iovecs();
    const std::string name = kNames[rng_() % std::size(kNames)];
    Errno r = Errno::Success;
    const uint32_t iovs = rng_() % 4 == 0 ? ptr() : static_cast<uint32_t>(rng_() % 32) * 8;
    // At most 32 records (so at most 2 MiB per call), or too many.
    static constexpr uint32_t kCounts[] = {0, 1, 2, 3, 32, kMaxIovecs + 1, 0xFFFFFFFFu};
    const uint32_t iovs_len = kCounts[rng_() % std::size(kCounts)];
    if (name == "fd_read" || name == "fd_write") {
      r = call(name, {i32(fd()), i32(iovs), i32(iovs_len), i32(ptr())});
    } else if (name == "fd_pread" || name == "fd_pwrite") {
      const uint64_t off = rng_() % 2 ? rng_() % 8192 : value64();
      r = call(name, {i32(fd()), i32(iovs), i32(iovs_len), i64(off), i32(ptr())});
    } else if (name == "fd_seek") {
      r = call(name,
               {i32(fd()), i64(value64()), i32(static_cast<uint32_t>(rng_() % 5)), i32(ptr())});
    } else if (name == "fd_advise") {
      r = call(name,
               {i32(fd()), i64(value64()), i64(value64()), i32(static_cast<uint32_t>(rng_() % 8))});
    } else if (name == "fd_allocate") {
      r = call(name, {i32(fd()), i64(rng_() % 8192), i64(alloc_len())});
    } else if (name == "fd_renumber") {
      r = call(name, {i32(fd()), i32(fd())});
    } else if (name == "fd_fdstat_set_flags") {
      r = call(name, {i32(fd()), i32(static_cast<uint32_t>(rng_() % 64))});
    } else if (name == "fd_fdstat_set_rights") {
      r = call(name, {i32(fd()), i64(rng_() & rights::kAll), i64(rng_() & rights::kAll)});
    } else if (name == "fd_filestat_set_size") {
      r = call(name, {i32(fd()), i64(rng_() % 2 ? rng_() % 8192 : value64())});
    } else if (name == "fd_filestat_set_times") {
      r = call(name, {i32(fd()), i64(value64()), i64(value64()),
                      i32(static_cast<uint32_t>(rng_() % 32))});
    } else if (name == "fd_prestat_dir_name") {
      r = call(name, {i32(fd()), i32(ptr()), i32(len32())});
    } else if (name == "fd_readdir") {
      r = call(name,
               {i32(fd()), i32(ptr()), i32(len32()), i64(rng_() % 3 ? 0 : value64()), i32(ptr())});
    } else if (name == "fd_sync" || name == "fd_datasync" || name == "fd_close") {
      r = call(name, {i32(fd())});
    } else {  // fd_tell, fd_fdstat_get, fd_filestat_get, fd_prestat_get
      r = call(name, {i32(fd()), i32(ptr())});
    }
    const auto code = static_cast<uint16_t>(r);
    ASSERT_LE(code, kErrnoMax) << name;
    ++seen[code];
  }
  // The draw reached successes and each kind of refusal.
  EXPECT_GT(seen[static_cast<int>(Errno::Success)], 0);
  EXPECT_GT(seen[static_cast<int>(Errno::Badf)], 0);
  EXPECT_GT(seen[static_cast<int>(Errno::Fault)], 0);
  EXPECT_GT(seen[static_cast<int>(Errno::Inval)], 0);
  EXPECT_GT(seen[static_cast<int>(Errno::NotCapable)], 0);
}

}  // namespace
}  // namespace cloister::wasi::testing
