// SPDX-License-Identifier: Apache-2.0
//
// A guest that rewrites the block while the host works on it (another vCPU
// could): a thread flips a path between a harmless name and escapes, and the
// request header between calls, while the server runs path calls from the
// same block. Whatever the interleaving, nothing outside the granted
// directory may change and every reply must be a result or -errno.
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <thread>

#include "sallyport_test_util.h"

namespace cloister::host::sallyport::testing {
namespace {

using RaceTest = SallyportTest;

TEST_F(RaceTest, RewritingTheBlockDuringACallNeverEscapes) {
  write_file("file.txt", "x");
  fs::create_symlink("../outside.txt", root_ / "out");
  const uint64_t name = alloc(64);
  const uint64_t st = alloc(144);
  std::strcpy(reinterpret_cast<char*>(block() + name), "file.txt");
  std::atomic<bool> stop{false};
  uint8_t* b = block();
  std::thread flipper([&] {
    static const char* kNames[] = {"file.txt",    "../outside.txt", "out",
                                   "/etc/passwd", "out/",           "../outside_dir/x"};
    size_t i = 0;
    while (!stop.load(std::memory_order_relaxed)) {
      char* p = reinterpret_cast<char*>(b + name);
      const char* n = kNames[i++ % std::size(kNames)];
      // Byte by byte, so the server can see any mixture of two names.
      for (size_t k = 0; k <= std::strlen(n); ++k) {
        __atomic_store_n(p + k, n[k], __ATOMIC_RELAXED);
      }
    }
  });
  const uint64_t ops[][4] = {
      {SYS_openat, kRootFd, name, O_RDWR | O_CREAT},
      {SYS_newfstatat, kRootFd, name, st},
      {SYS_utimensat, kRootFd, name, abi::kNull},
      {SYS_mkdirat, kRootFd, name, 0777},
      {SYS_unlinkat, kRootFd, name, 0},
      {SYS_linkat, kRootFd, name, kRootFd},
  };
  for (int i = 0; i < 3000; ++i) {
    const auto& op = ops[i % std::size(ops)];
    int64_t ret;
    if (op[0] == SYS_linkat) {
      ret = call(SYS_linkat, {op[1], op[2], op[3], str("copy"), 0});
      if (ret == 0) call(SYS_unlinkat, {kRootFd, str("copy"), 0});
    } else {
      ret = call(op[0], {op[1], op[2], op[3], 0644});
    }
    ASSERT_GE(ret, -abi::kMaxErrno);
    if (op[0] == SYS_openat && ret >= 0) call(SYS_close, {static_cast<uint64_t>(ret)});
  }
  stop = true;
  flipper.join();
  EXPECT_TRUE(jail_intact());
}

}  // namespace
}  // namespace cloister::host::sallyport::testing
