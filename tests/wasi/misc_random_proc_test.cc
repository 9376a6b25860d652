// SPDX-License-Identifier: Apache-2.0
//
// random_get, proc_exit, proc_raise, sched_yield.
#include <algorithm>
#include <vector>

#include "misc_test_util.h"

namespace cloister::wasi::testing {
namespace {

using RandomProcTest = MiscWasiTest;

TEST_F(RandomProcTest, RandomGetFillsTheWholeBufferAndNothingElse) {
  std::memset(mem(), 0, 0x3000);
  ASSERT_EQ(call("random_get", {i32(0x1000), i32(1024)}), Errno::Success);
  const uint8_t* buf = mem() + 0x1000;
  // 1024 random bytes: some non-zero, and not one value repeated.
  EXPECT_TRUE(std::any_of(buf, buf + 1024, [](uint8_t b) { return b != 0; }));
  EXPECT_FALSE(std::all_of(buf, buf + 1024, [&](uint8_t b) { return b == buf[0]; }));
  EXPECT_EQ(mem()[0x0FFF], 0);
  EXPECT_EQ(mem()[0x1000 + 1024], 0);
  // The last 16 bytes were written too (no short fill).
  EXPECT_TRUE(std::any_of(buf + 1008, buf + 1024, [](uint8_t b) { return b != 0; }));
}

TEST_F(RandomProcTest, TwoCallsGiveDifferentBytes) {
  ASSERT_EQ(call("random_get", {i32(0x100), i32(32)}), Errno::Success);
  ASSERT_EQ(call("random_get", {i32(0x200), i32(32)}), Errno::Success);
  EXPECT_NE(get_bytes(0x100, 32), get_bytes(0x200, 32));
}

TEST_F(RandomProcTest, RandomGetFillsAllOfMemory) {
  const auto size = static_cast<uint32_t>(memory_size());
  std::memset(mem(), 0, size);
  ASSERT_EQ(call("random_get", {i32(0), i32(size)}), Errno::Success);
  // Every 256-byte block of 64 KiB got some non-zero byte.
  for (uint32_t off = 0; off < size; off += 256) {
    EXPECT_TRUE(std::any_of(mem() + off, mem() + off + 256, [](uint8_t b) { return b != 0; }))
        << off;
  }
}

TEST_F(RandomProcTest, RandomGetZeroLengthAndBounds) {
  const auto end = static_cast<uint32_t>(memory_size());
  EXPECT_EQ(call("random_get", {i32(end), i32(0)}), Errno::Success);
  EXPECT_EQ(call("random_get", {i32(end + 1), i32(0)}), Errno::Fault);
  EXPECT_EQ(call("random_get", {i32(end - 4), i32(5)}), Errno::Fault);
  EXPECT_EQ(call("random_get", {i32(8), i32(0xFFFFFFFF)}), Errno::Fault);
}

TEST_F(RandomProcTest, ProcExitEndsWithTheCode) {
  for (uint32_t code : {0u, 33u, 125u, 0xFFFFFFFFu}) {
    std::vector<wasm::Value> args{i32(code)};
    auto r = call_wasi(*ctx_, memory_, "proc_exit", args);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.failure().kind, wasm::FailureKind::Exit);
    EXPECT_EQ(r.failure().exit_code, static_cast<int32_t>(code));
  }
}

TEST_F(RandomProcTest, ProcRaiseIsNoSysAndSchedYieldSucceeds) {
  EXPECT_EQ(call("proc_raise", {i32(6)}), Errno::NoSys);
  EXPECT_EQ(call("sched_yield", {}), Errno::Success);
}

}  // namespace
}  // namespace cloister::wasi::testing
