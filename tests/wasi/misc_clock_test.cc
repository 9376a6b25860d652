// SPDX-License-Identifier: Apache-2.0
//
// clock_res_get / clock_time_get.
#include <time.h>

#include "misc_test_util.h"
#include "wasi/abi.h"

namespace cloister::wasi::testing {
namespace {

using ClockTest = MiscWasiTest;

uint64_t host_now(clockid_t clock) {
  struct timespec ts {};
  ::clock_gettime(clock, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

TEST_F(ClockTest, EveryClockHasAPositiveResolution) {
  for (uint32_t id : {kClockRealtime, kClockMonotonic, kClockProcessCputime, kClockThreadCputime}) {
    put_u64(0x20, 0);
    ASSERT_EQ(call("clock_res_get", {i32(id), i32(0x20)}), Errno::Success) << id;
    EXPECT_GT(get_u64(0x20), 0u) << id;
    EXPECT_LE(get_u64(0x20), 1000000000u) << id;
  }
}

TEST_F(ClockTest, RealtimeIsTheHostsWallClock) {
  const uint64_t before = host_now(CLOCK_REALTIME);
  ASSERT_EQ(call("clock_time_get", {i32(kClockRealtime), i64(0), i32(0x20)}), Errno::Success);
  const uint64_t after = host_now(CLOCK_REALTIME);
  EXPECT_GE(get_u64(0x20), before);
  EXPECT_LE(get_u64(0x20), after);
}

TEST_F(ClockTest, MonotonicNeverGoesBackAndAdvances) {
  ASSERT_EQ(call("clock_time_get", {i32(kClockMonotonic), i64(1), i32(0x20)}), Errno::Success);
  const uint64_t first = get_u64(0x20);
  EXPECT_GE(first, 1u);
  struct timespec pause = {0, 2000000};
  ::nanosleep(&pause, nullptr);
  ASSERT_EQ(call("clock_time_get", {i32(kClockMonotonic), i64(0), i32(0x28)}), Errno::Success);
  EXPECT_GE(get_u64(0x28), first + 2000000);
  EXPECT_LE(get_u64(0x28), host_now(CLOCK_MONOTONIC));
}

TEST_F(ClockTest, CpuTimeClocksCountThisProcessesWork) {
  ASSERT_EQ(call("clock_time_get", {i32(kClockProcessCputime), i64(0), i32(0x20)}), Errno::Success);
  ASSERT_EQ(call("clock_time_get", {i32(kClockThreadCputime), i64(0), i32(0x28)}), Errno::Success);
  const uint64_t process0 = get_u64(0x20), thread0 = get_u64(0x28);
  // Burn ~5 ms of CPU.
  const uint64_t until = host_now(CLOCK_THREAD_CPUTIME_ID) + 5000000;
  while (host_now(CLOCK_THREAD_CPUTIME_ID) < until) {
  }
  ASSERT_EQ(call("clock_time_get", {i32(kClockProcessCputime), i64(0), i32(0x20)}), Errno::Success);
  ASSERT_EQ(call("clock_time_get", {i32(kClockThreadCputime), i64(0), i32(0x28)}), Errno::Success);
  EXPECT_GE(get_u64(0x20), process0 + 5000000);
  EXPECT_GE(get_u64(0x28), thread0 + 5000000);
}

TEST_F(ClockTest, UnknownClockIsInval) {
  put_u64(0x20, 99);
  EXPECT_EQ(call("clock_time_get", {i32(4), i64(0), i32(0x20)}), Errno::Inval);
  EXPECT_EQ(call("clock_res_get", {i32(0xFFFFFFFF), i32(0x20)}), Errno::Inval);
  EXPECT_EQ(get_u64(0x20), 99u);
}

TEST_F(ClockTest, BadResultPointerIsFault) {
  const auto end = static_cast<uint32_t>(memory_size());
  EXPECT_EQ(call("clock_time_get", {i32(kClockMonotonic), i64(0), i32(end - 7)}), Errno::Fault);
  EXPECT_EQ(call("clock_res_get", {i32(kClockRealtime), i32(end)}), Errno::Fault);
  EXPECT_EQ(call("clock_time_get", {i32(kClockRealtime), i64(0), i32(end - 8)}), Errno::Success);
}

}  // namespace
}  // namespace cloister::wasi::testing
