// SPDX-License-Identifier: Apache-2.0
//
// Clocks, sleeping and ppoll (fd translation both ways, POLLNVAL for numbers
// not in the table, the limits).
#include <fcntl.h>
#include <poll.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "sallyport_test_util.h"

namespace cloister::host::sallyport::testing {
namespace {

class TimePollTest : public SallyportTest {
 protected:
  void SetUp() override {
    SallyportTest::SetUp();
    int p[2];
    ASSERT_EQ(::pipe2(p, O_CLOEXEC), 0);
    // Guest 7 reads, guest 9 writes: numbers unlike the host's.
    ASSERT_TRUE(server_.install(7, UniqueFd(p[0])));
    ASSERT_TRUE(server_.install(9, UniqueFd(p[1])));
  }
};

TEST_F(TimePollTest, Clocks) {
  const uint64_t ts = alloc(16);
  for (uint64_t clock : {0, 1, 2, 3, 4, 5, 6, 7}) {
    EXPECT_EQ(call(SYS_clock_gettime, {clock, ts}), 0) << clock;
    EXPECT_GE(get<timespec>(ts).tv_nsec, 0);
    EXPECT_LT(get<timespec>(ts).tv_nsec, 1000000000);
    EXPECT_EQ(call(SYS_clock_getres, {clock, ts}), 0) << clock;
  }
  EXPECT_EQ(call(SYS_clock_getres, {CLOCK_MONOTONIC, abi::kNull}), 0);
  EXPECT_EQ(call(SYS_clock_gettime, {CLOCK_MONOTONIC, abi::kNull}), -EFAULT);
  EXPECT_EQ(call(SYS_clock_gettime, {CLOCK_MONOTONIC, abi::kBlockSize - 8}), -EFAULT);
  EXPECT_EQ(call(SYS_clock_gettime, {CLOCK_TAI, ts}), -EINVAL);
  EXPECT_EQ(call(SYS_clock_gettime, {static_cast<uint64_t>(-2), ts}), -EINVAL) << "a pid clock";
  EXPECT_EQ(call(SYS_clock_getres, {99, ts}), -EINVAL);
}

TEST_F(TimePollTest, Nanosleep) {
  timespec req{0, 1000000};
  const uint64_t rem = alloc(16);
  timespec before, after;
  ::clock_gettime(CLOCK_MONOTONIC, &before);
  EXPECT_EQ(call(SYS_clock_nanosleep, {CLOCK_MONOTONIC, 0, put(&req, 16), rem}), 0);
  ::clock_gettime(CLOCK_MONOTONIC, &after);
  EXPECT_GE((after.tv_sec - before.tv_sec) * 1000000000 + (after.tv_nsec - before.tv_nsec),
            1000000);
  timespec abs_past{0, 0};
  EXPECT_EQ(
      call(SYS_clock_nanosleep, {CLOCK_MONOTONIC, TIMER_ABSTIME, put(&abs_past, 16), abi::kNull}),
      0);
  timespec bad{0, 1000000000};
  EXPECT_EQ(call(SYS_clock_nanosleep, {CLOCK_MONOTONIC, 0, put(&bad, 16), abi::kNull}), -EINVAL);
  EXPECT_EQ(call(SYS_clock_nanosleep, {CLOCK_MONOTONIC, 2, put(&req, 16), abi::kNull}), -EINVAL);
  EXPECT_EQ(call(SYS_clock_nanosleep, {CLOCK_TAI, 0, put(&req, 16), abi::kNull}), -EINVAL);
  EXPECT_EQ(call(SYS_clock_nanosleep, {CLOCK_PROCESS_CPUTIME_ID, 0, put(&req, 16), abi::kNull}),
            -EINVAL)
      << "the VMM's CPU time would not advance while it sleeps";
  EXPECT_EQ(call(SYS_clock_nanosleep, {CLOCK_MONOTONIC, 0, abi::kNull, abi::kNull}), -EFAULT);
  EXPECT_EQ(call(SYS_clock_nanosleep, {CLOCK_MONOTONIC, 0, put(&req, 16), abi::kBlockSize - 4}),
            -EFAULT);
}

TEST_F(TimePollTest, PpollTranslatesDescriptors) {
  ASSERT_EQ(call(SYS_write, {9, put("x", 1), 1}), 1);
  pollfd fds[4] = {{7, POLLIN, 0}, {9, POLLOUT, 0}, {-1, POLLIN, 0}, {42, POLLIN, 0}};
  const uint64_t p = put(fds, sizeof(fds));
  const timespec zero{0, 0};
  EXPECT_EQ(call(SYS_ppoll, {p, 4, put(&zero, 16), abi::kNull, 8}), 3);
  const auto out = [&](int i) { return get<pollfd>(p + i * sizeof(pollfd)); };
  EXPECT_EQ(out(0).fd, 7) << "guest numbers, unchanged";
  EXPECT_EQ(out(0).revents, POLLIN);
  EXPECT_EQ(out(1).fd, 9);
  EXPECT_EQ(out(1).revents, POLLOUT);
  EXPECT_EQ(out(2).revents, 0);
  EXPECT_EQ(out(3).fd, 42);
  EXPECT_EQ(out(3).revents, POLLNVAL);
}

TEST_F(TimePollTest, PpollWaitsAndTimesOut) {
  pollfd fd{7, POLLIN, 0};
  const timespec short_wait{0, 5000000};
  const uint64_t p = put(&fd, sizeof(fd));
  EXPECT_EQ(call(SYS_ppoll, {p, 1, put(&short_wait, 16), abi::kNull, 8}), 0);
  EXPECT_EQ(get<pollfd>(p).revents, 0);
  // An invalid number ends the wait at once, even without a timeout.
  pollfd both[2] = {{7, POLLIN, 0}, {500, POLLIN, 0}};
  const uint64_t q = put(both, sizeof(both));
  EXPECT_EQ(call(SYS_ppoll, {q, 2, abi::kNull, abi::kNull, 8}), 1);
  // No descriptors: a sleep.
  EXPECT_EQ(call(SYS_ppoll, {abi::kNull, 0, put(&short_wait, 16), abi::kNull, 8}), 0);
}

TEST_F(TimePollTest, PpollLimits) {
  const uint64_t p = alloc(257 * sizeof(pollfd));
  const timespec zero{0, 0};
  EXPECT_EQ(call(SYS_ppoll, {p, 257, put(&zero, 16), abi::kNull, 8}), -EINVAL);
  EXPECT_EQ(call(SYS_ppoll, {p, 256, put(&zero, 16), abi::kNull, 8}), 256) << "fd 0: POLLNVAL";
  EXPECT_EQ(call(SYS_ppoll, {p, 1, put(&zero, 16), alloc(8), 8}), -EINVAL) << "a signal mask";
  EXPECT_EQ(call(SYS_ppoll, {abi::kBlockSize - 8, 2, put(&zero, 16), abi::kNull, 8}), -EFAULT);
  EXPECT_EQ(call(SYS_ppoll, {p, uint64_t{1} << 61, put(&zero, 16), abi::kNull, 8}), -EINVAL);
  EXPECT_EQ(call(SYS_ppoll, {p, 1, abi::kBlockSize - 4, abi::kNull, 8}), -EFAULT);
}

}  // namespace
}  // namespace cloister::host::sallyport::testing
