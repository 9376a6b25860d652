// SPDX-License-Identifier: Apache-2.0
//
// poll_oneoff: clock subscriptions (relative, absolute, ordering), fd
// subscriptions on pipes and files, per-event errors and argument checks.
#include <fcntl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "misc_test_util.h"
#include "wasi/abi.h"

namespace cloister::wasi::testing {
namespace {

constexpr uint32_t kSubs = 0x1000;    // subscription array
constexpr uint32_t kEvents = 0x2000;  // event array
constexpr uint32_t kNevents = 0x10;
constexpr uint64_t kMs = 1000000;

uint64_t now_ns(clockid_t clock) {
  struct timespec ts {};
  ::clock_gettime(clock, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

class PollTest : public MiscWasiTest {
 protected:
  void SetUp() override {
    MiscWasiTest::SetUp();
    std::memset(mem() + kSubs, 0, 0x2000);
  }
  uint32_t sub_at(uint32_t i) { return kSubs + i * layout::kSubscriptionSize; }
  void clock_sub(uint32_t i, uint64_t userdata, uint32_t clock, uint64_t timeout,
                 uint16_t flags = 0) {
    const uint32_t p = sub_at(i);
    put_u64(p + layout::kSubUserdata, userdata);
    mem()[p + layout::kSubTag] = kEventClock;
    put_u32(p + layout::kSubClockId, clock);
    put_u64(p + layout::kSubClockTimeout, timeout);
    put_u64(p + layout::kSubClockPrecision, 0);
    put_u16(p + layout::kSubClockFlags, flags);
  }
  void fd_sub(uint32_t i, uint64_t userdata, uint8_t type, uint32_t fd) {
    const uint32_t p = sub_at(i);
    put_u64(p + layout::kSubUserdata, userdata);
    mem()[p + layout::kSubTag] = type;
    put_u32(p + layout::kSubFdReadwriteFd, fd);
  }
  Errno poll(uint32_t n) {
    std::memset(mem() + kEvents, 0xEE, n * layout::kEventSize);
    put_u32(kNevents, 0xDEAD);
    return call("poll_oneoff", {i32(kSubs), i32(kEvents), i32(n), i32(kNevents)});
  }
  uint32_t nevents() { return get_u32(kNevents); }

  struct Event {
    uint64_t userdata;
    uint16_t error;
    uint8_t type;
    uint64_t nbytes;
    uint16_t flags;
  };
  Event event(uint32_t i) {
    const uint32_t p = kEvents + i * layout::kEventSize;
    return {get_u64(p + layout::kEventUserdata), get_u16(p + layout::kEventError),
            mem()[p + layout::kEventType], get_u64(p + layout::kEventNbytes),
            get_u16(p + layout::kEventFlags)};
  }
};

TEST_F(PollTest, ARelativeClockAloneSleeps) {
  clock_sub(0, 0x1234, kClockMonotonic, 20 * kMs);
  const uint64_t t0 = now_ns(CLOCK_MONOTONIC);
  ASSERT_EQ(poll(1), Errno::Success);
  EXPECT_GE(now_ns(CLOCK_MONOTONIC) - t0, 20 * kMs);
  ASSERT_EQ(nevents(), 1u);
  const Event e = event(0);
  EXPECT_EQ(e.userdata, 0x1234u);
  EXPECT_EQ(e.error, 0);
  EXPECT_EQ(e.type, kEventClock);
}

TEST_F(PollTest, TheEarliestClockEndsTheWaitAndOnlyItFires) {
  clock_sub(0, 1, kClockMonotonic, 5000 * kMs);
  clock_sub(1, 2, kClockRealtime, 30 * kMs);
  clock_sub(2, 3, kClockMonotonic, 2000 * kMs);
  const uint64_t t0 = now_ns(CLOCK_MONOTONIC);
  ASSERT_EQ(poll(3), Errno::Success);
  const uint64_t waited = now_ns(CLOCK_MONOTONIC) - t0;
  EXPECT_GE(waited, 30 * kMs);
  EXPECT_LT(waited, 1500 * kMs);
  ASSERT_EQ(nevents(), 1u);
  EXPECT_EQ(event(0).userdata, 2u);
}

TEST_F(PollTest, ClocksThatExpiredTogetherAllFireInSubscriptionOrder) {
  clock_sub(0, 10, kClockMonotonic, 0);
  clock_sub(1, 11, kClockMonotonic, 5000 * kMs);
  clock_sub(2, 12, kClockRealtime, 0);
  ASSERT_EQ(poll(3), Errno::Success);
  ASSERT_EQ(nevents(), 2u);
  EXPECT_EQ(event(0).userdata, 10u);
  EXPECT_EQ(event(1).userdata, 12u);
}

TEST_F(PollTest, AbsoluteMonotonicDeadline) {
  const uint64_t deadline = now_ns(CLOCK_MONOTONIC) + 25 * kMs;
  clock_sub(0, 7, kClockMonotonic, deadline, kSubclockAbstime);
  ASSERT_EQ(poll(1), Errno::Success);
  EXPECT_GE(now_ns(CLOCK_MONOTONIC), deadline);
  ASSERT_EQ(nevents(), 1u);
  EXPECT_EQ(event(0).userdata, 7u);
}

TEST_F(PollTest, AbsoluteRealtimeDeadlineInThePastAndTheFuture) {
  clock_sub(0, 8, kClockRealtime, 1000, kSubclockAbstime);  // 1970
  const uint64_t t0 = now_ns(CLOCK_MONOTONIC);
  ASSERT_EQ(poll(1), Errno::Success);
  EXPECT_LT(now_ns(CLOCK_MONOTONIC) - t0, 500 * kMs);
  ASSERT_EQ(nevents(), 1u);
  EXPECT_EQ(event(0).userdata, 8u);

  const uint64_t deadline = now_ns(CLOCK_REALTIME) + 25 * kMs;
  clock_sub(0, 9, kClockRealtime, deadline, kSubclockAbstime);
  ASSERT_EQ(poll(1), Errno::Success);
  EXPECT_GE(now_ns(CLOCK_REALTIME), deadline);
  EXPECT_EQ(nevents(), 1u);
}

TEST_F(PollTest, UnsupportedClocksFlagsAndTagsAreInval) {
  for (uint32_t clock : {kClockProcessCputime, kClockThreadCputime, 4u}) {
    clock_sub(0, 1, clock, kMs);
    EXPECT_EQ(poll(1), Errno::Inval) << clock;
  }
  clock_sub(0, 1, kClockMonotonic, kMs, 2);
  EXPECT_EQ(poll(1), Errno::Inval);
  clock_sub(0, 1, kClockMonotonic, kMs);
  mem()[sub_at(0) + layout::kSubTag] = 3;
  EXPECT_EQ(poll(1), Errno::Inval);
  EXPECT_EQ(nevents(), 0xDEADu);
}

TEST_F(PollTest, NoSubscriptionsIsInval) {
  EXPECT_EQ(poll(0), Errno::Inval);
}

TEST_F(PollTest, PointersAreCheckedBeforeWaiting) {
  const auto end = static_cast<uint32_t>(memory_size());
  clock_sub(0, 1, kClockMonotonic, 5000 * kMs);
  const uint64_t t0 = now_ns(CLOCK_MONOTONIC);
  EXPECT_EQ(call("poll_oneoff", {i32(kSubs), i32(end - 31), i32(1), i32(kNevents)}), Errno::Fault);
  EXPECT_EQ(call("poll_oneoff", {i32(end - 47), i32(kEvents), i32(1), i32(kNevents)}),
            Errno::Fault);
  EXPECT_EQ(call("poll_oneoff", {i32(kSubs), i32(kEvents), i32(1), i32(end - 3)}), Errno::Fault);
  EXPECT_EQ(call("poll_oneoff", {i32(kSubs), i32(kEvents), i32(0xFFFFFFFF), i32(kNevents)}),
            Errno::Fault);
  EXPECT_LT(now_ns(CLOCK_MONOTONIC) - t0, 1000 * kMs);
}

TEST_F(PollTest, ReadableStdinReportsTheBytesWaiting) {
  ASSERT_EQ(::write(stdin_w_.get(), "hello", 5), 5);
  clock_sub(0, 1, kClockMonotonic, 5000 * kMs);
  fd_sub(1, 2, kEventFdRead, 0);
  ASSERT_EQ(poll(2), Errno::Success);
  ASSERT_EQ(nevents(), 1u);
  const Event e = event(0);
  EXPECT_EQ(e.userdata, 2u);
  EXPECT_EQ(e.type, kEventFdRead);
  EXPECT_EQ(e.error, 0);
  EXPECT_EQ(e.nbytes, 5u);
  EXPECT_EQ(e.flags, 0);
}

TEST_F(PollTest, WaitsUntilAPipeBecomesReadable) {
  clock_sub(0, 1, kClockMonotonic, 5000 * kMs);
  fd_sub(1, 2, kEventFdRead, 0);
  const uint64_t t0 = now_ns(CLOCK_MONOTONIC);
  std::thread writer([fd = stdin_w_.get()] {
    std::this_thread::sleep_for(std::chrono::milliseconds(40));
    EXPECT_EQ(::write(fd, "abc", 3), 3);
  });
  const Errno r = poll(2);
  writer.join();
  ASSERT_EQ(r, Errno::Success);
  const uint64_t waited = now_ns(CLOCK_MONOTONIC) - t0;
  EXPECT_GE(waited, 35 * kMs);
  EXPECT_LT(waited, 4000 * kMs);
  ASSERT_EQ(nevents(), 1u);
  EXPECT_EQ(event(0).userdata, 2u);
  EXPECT_EQ(event(0).nbytes, 3u);
}

TEST_F(PollTest, AClosedWriterIsAHangup) {
  stdin_w_.reset();
  fd_sub(0, 5, kEventFdRead, 0);
  ASSERT_EQ(poll(1), Errno::Success);
  ASSERT_EQ(nevents(), 1u);
  EXPECT_EQ(event(0).error, 0);
  EXPECT_EQ(event(0).nbytes, 0u);
  EXPECT_EQ(event(0).flags, kEventFdReadwriteHangup);
}

TEST_F(PollTest, StdoutAndStderrAreWritable) {
  fd_sub(0, 1, kEventFdWrite, 1);
  fd_sub(1, 2, kEventFdWrite, 2);
  fd_sub(2, 3, kEventFdRead, 0);  // nothing to read: not reported
  clock_sub(3, 4, kClockMonotonic, 5000 * kMs);
  ASSERT_EQ(poll(4), Errno::Success);
  ASSERT_EQ(nevents(), 2u);
  EXPECT_EQ(event(0).userdata, 1u);
  EXPECT_EQ(event(0).type, kEventFdWrite);
  EXPECT_EQ(event(0).error, 0);
  EXPECT_GE(event(0).nbytes, 1u);
  EXPECT_EQ(event(1).userdata, 2u);
}

TEST_F(PollTest, TheSameFdForReadAndWriteIsPolledOnce) {
  // A socketpair end is both readable (data waiting) and writable.
  int sv[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
  UniqueFd peer(sv[1]);
  WasiSetup setup;
  setup.fds.resize(1);
  setup.fds[0].host.reset(sv[0]);
  use_setup(std::move(setup));
  fd_sub(0, 1, kEventFdRead, 0);
  fd_sub(1, 2, kEventFdWrite, 0);
  fd_sub(2, 3, kEventFdRead, 0);
  ASSERT_EQ(poll(3), Errno::Success);
  ASSERT_EQ(nevents(), 1u);  // writable only
  EXPECT_EQ(event(0).userdata, 2u);
  ASSERT_EQ(::write(peer.get(), "xy", 2), 2);
  ASSERT_EQ(poll(3), Errno::Success);
  ASSERT_EQ(nevents(), 3u);
  EXPECT_EQ(event(0).nbytes, 2u);
  EXPECT_EQ(event(2).userdata, 3u);
  EXPECT_EQ(event(2).nbytes, 2u);
}

TEST_F(PollTest, ARegularFileIsReadyWithTheBytesAfterItsPosition) {
  const std::string path = host_path("data");
  {
    UniqueFd f(::open(path.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0600));
    ASSERT_TRUE(f.valid());
    ASSERT_EQ(::write(f.get(), "0123456789", 10), 10);
  }
  UniqueFd f(::open(path.c_str(), O_RDWR | O_CLOEXEC));
  ASSERT_TRUE(f.valid());
  ASSERT_EQ(::lseek(f.get(), 4, SEEK_SET), 4);
  WasiSetup setup;
  setup.fds.resize(1);
  setup.fds[0].host = std::move(f);
  use_setup(std::move(setup));
  fd_sub(0, 1, kEventFdRead, 0);
  fd_sub(1, 2, kEventFdWrite, 0);
  ASSERT_EQ(poll(2), Errno::Success);
  ASSERT_EQ(nevents(), 2u);
  EXPECT_EQ(event(0).nbytes, 6u);
  EXPECT_EQ(event(1).type, kEventFdWrite);
}

TEST_F(PollTest, ABadFdIsReportedInItsEventNotAsTheResult) {
  clock_sub(0, 1, kClockMonotonic, 5000 * kMs);
  fd_sub(1, 2, kEventFdRead, 99);
  fd_sub(2, 3, kEventFdWrite, 1);
  const uint64_t t0 = now_ns(CLOCK_MONOTONIC);
  ASSERT_EQ(poll(3), Errno::Success);
  EXPECT_LT(now_ns(CLOCK_MONOTONIC) - t0, 1000 * kMs);
  ASSERT_EQ(nevents(), 2u);
  EXPECT_EQ(event(0).userdata, 2u);
  EXPECT_EQ(event(0).type, kEventFdRead);
  EXPECT_EQ(event(0).error, static_cast<uint16_t>(Errno::Badf));
  EXPECT_EQ(event(0).nbytes, 0u);
  EXPECT_EQ(event(1).userdata, 3u);
  EXPECT_EQ(event(1).error, 0);
}

TEST_F(PollTest, AFdWithoutTheRightsIsNotCapableInItsEvent) {
  // fd 3 is a directory: neither fd_read nor poll_fd_readwrite.
  fd_sub(0, 1, kEventFdRead, 3);
  ASSERT_EQ(poll(1), Errno::Success);
  ASSERT_EQ(nevents(), 1u);
  EXPECT_EQ(event(0).error, static_cast<uint16_t>(Errno::NotCapable));
}

}  // namespace
}  // namespace cloister::wasi::testing
