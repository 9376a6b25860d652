// SPDX-License-Identifier: Apache-2.0
//
// The args/environ, clock, random, poll and socket functions called many
// times with arguments drawn from edge values (pointers at and past the end
// of memory, huge counts and lengths, unknown ids, every flag bit, random
// subscription records). Each call must return a defined WASI errno without
// crashing, blocking or writing outside the guest's memory (valgrind and the
// sanitizer build check the latter). Every descriptor is nonblocking or
// always ready, and clock timeouts stay below 2 ms, so no call can hang.
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <random>
#include <vector>

#include "misc_test_util.h"
#include "wasi/abi.h"

namespace cloister::wasi::testing {
namespace {

class EdgeTest : public MiscWasiTest {
 protected:
  void SetUp() override {
    MiscWasiTest::SetUp();
    WasiSetup setup;
    setup.args = {"prog", "", "a b", std::string(300, 'x')};
    setup.env = {"K=v", "EMPTY=", "NL=a\nb"};
    setup.fds.resize(6);
    for (int i = 0; i < 3; ++i) {
      setup.fds[i].host.reset(::open("/dev/null", O_RDWR | O_CLOEXEC));
    }
    int sv[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv), 0);
    setup.fds[3].host.reset(sv[0]);
    peer_.reset(sv[1]);
    UniqueFd listener(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    ASSERT_TRUE(listener.valid());
    // An autobound abstract address (only the family given).
    sockaddr addr{};
    addr.sa_family = AF_UNIX;
    ASSERT_EQ(::bind(listener.get(), &addr, sizeof addr.sa_family), 0);
    ASSERT_EQ(::listen(listener.get(), 4), 0);
    setup.fds[4].host = std::move(listener);
    setup.fds[4].is_listener = true;
    setup.fds[5].host.reset(::open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    setup.fds[5].preopen = "/";
    use_setup(std::move(setup));
    page_ = static_cast<uint32_t>(memory_size());
  }

  uint32_t fd() { return static_cast<uint32_t>(rng_() % 8); }
  uint32_t ptr() {
    const uint32_t kPtrs[] = {0,          8,           100,         4096,       page_ - 64,
                              page_ - 48, page_ - 8,   page_ - 4,   page_ - 1,  page_,
                              page_ + 1,  0x80000000u, 0xFFFFFFF8u, 0xFFFFFFFFu};
    return rng_() % 4 == 0 ? static_cast<uint32_t>(rng_() % page_)
                           : kPtrs[rng_() % std::size(kPtrs)];
  }
  uint32_t small() {
    const uint32_t kValues[] = {0, 1, 2, 3, 4, 5, 7, 8, 16, 1024, 1025, 0xFFFF, 0xFFFFFFFFu};
    return kValues[rng_() % std::size(kValues)];
  }
  uint64_t value64() {
    const uint64_t kValues[] = {0, 1, 1000, 1ull << 32, (1ull << 63) - 1, ~0ull};
    return kValues[rng_() % std::size(kValues)];
  }

  // Random subscription records at `in` (when in bounds), with clock
  // timeouts that cannot block for long.
  void random_subscriptions(uint32_t in, uint32_t n) {
    for (uint32_t i = 0; i < n; ++i) {
      const uint64_t base = uint64_t{in} + uint64_t{i} * layout::kSubscriptionSize;
      if (base + layout::kSubscriptionSize > page_) return;
      uint8_t* s = mem() + base;
      for (uint32_t b = 0; b < layout::kSubscriptionSize; ++b) s[b] = static_cast<uint8_t>(rng_());
      const uint8_t kTags[] = {kEventClock, kEventFdRead, kEventFdWrite, 3, 0xFF};
      s[layout::kSubTag] = kTags[rng_() % std::size(kTags)];
      if (s[layout::kSubTag] == kEventClock) {
        const uint32_t id = rng_() % 6;
        const uint64_t timeout = rng_() % 2000000;  // relative, or absolute in the past
        const uint16_t flags = rng_() % 3 == 0 ? static_cast<uint16_t>(rng_()) : rng_() % 2;
        std::memcpy(s + layout::kSubClockId, &id, 4);
        std::memcpy(s + layout::kSubClockTimeout, &timeout, 8);
        std::memcpy(s + layout::kSubClockFlags, &flags, 2);
      } else {
        // Never the socket or the listener, which may not become ready:
        // stdio (/dev/null) is always ready, fd 5 (a directory) and fds
        // 6-7 (not open) are errors reported at once.
        const uint32_t kPollable[] = {0, 1, 2, 5, 6, 7};
        const uint32_t f = kPollable[rng_() % std::size(kPollable)];
        std::memcpy(s + layout::kSubFdReadwriteFd, &f, 4);
      }
    }
  }

  // Sets up iovecs pointing at random places (some invalid).
  void random_iovecs(uint32_t at, uint32_t n) {
    for (uint32_t i = 0; i < n && uint64_t{at} + 8 * (i + 1) <= page_; ++i) {
      put_u32(at + 8 * i, ptr());
      put_u32(at + 8 * i + 4, rng_() % 2 ? small() : rng_() % 64);
    }
  }

  std::mt19937_64 rng_{20261127};
  uint32_t page_ = 0;
  UniqueFd peer_;
};

bool defined_errno(Errno e) {
  return static_cast<uint16_t>(e) <= kErrnoMax;
}

TEST_F(EdgeTest, ArgsEnvironClockRandom) {
  const char* kTwoPtr[] = {"args_get",          "args_sizes_get", "environ_get",
                           "environ_sizes_get", "clock_res_get",  "random_get"};
  for (int i = 0; i < 4000; ++i) {
    const char* name = kTwoPtr[rng_() % std::size(kTwoPtr)];
    const bool is_clock = std::string_view(name) == "clock_res_get";
    const bool is_random = std::string_view(name) == "random_get";
    const uint32_t a = is_clock ? rng_() % 6 : ptr();
    const uint32_t b = is_random && rng_() % 2 ? small() : ptr();
    const Errno e = call(name, {i32(a), i32(b)});
    ASSERT_TRUE(e == Errno::Success || e == Errno::Fault || e == Errno::Inval) << name;
    const Errno t = call("clock_time_get", {i32(rng_() % 6), i64(value64()), i32(ptr())});
    ASSERT_TRUE(t == Errno::Success || t == Errno::Fault || t == Errno::Inval);
  }
}

TEST_F(EdgeTest, PollOneoff) {
  int successes = 0;
  for (int i = 0; i < 3000; ++i) {
    const uint32_t in = rng_() % 3 ? static_cast<uint32_t>(rng_() % 2048) * 8 : ptr();
    const uint32_t out = rng_() % 3 ? static_cast<uint32_t>(rng_() % 2048) * 8 : ptr();
    const uint32_t n = rng_() % 4 ? static_cast<uint32_t>(rng_() % 6) : small();
    const uint32_t nevents = ptr();
    random_subscriptions(in, std::min<uint32_t>(n, 2048));
    std::vector<uint64_t> userdata;
    for (uint32_t s = 0; s < n && uint64_t{in} + (s + 1) * 48ull <= page_; ++s) {
      userdata.push_back(get_u64(in + s * 48));
    }
    const Errno e = call("poll_oneoff", {i32(in), i32(out), i32(n), i32(nevents)});
    ASSERT_TRUE(defined_errno(e));
    if (e != Errno::Success) continue;
    ++successes;
    // A result means every record was in bounds and at least one fired. When
    // `out` overlaps `in` the records may have been rewritten, so only the
    // count is checked then.
    const uint32_t count = get_u32(nevents);
    ASSERT_GE(count, 1u);
    ASSERT_LE(count, n);
    const bool overlap = out < in + n * 48 && in < out + n * 32;
    if (overlap || (nevents >= out && nevents < out + n * 32)) continue;
    for (uint32_t k = 0; k < count; ++k) {
      const uint64_t ud = get_u64(out + k * 32);
      ASSERT_NE(std::find(userdata.begin(), userdata.end(), ud), userdata.end());
    }
  }
  EXPECT_GT(successes, 100);
}

TEST_F(EdgeTest, Sockets) {
  std::map<Errno, int> seen;
  for (int i = 0; i < 3000; ++i) {
    if (rng_() % 8 == 0) {
      // Keep some data waiting for the receiving calls, and drain what
      // the module sent.
      (void)!::send(peer_.get(), "data", 4, MSG_NOSIGNAL);
      char drain[4096];
      while (::read(peer_.get(), drain, sizeof drain) > 0) {
      }
    }
    random_iovecs(0x100, 8);
    Errno e = Errno::Success;
    switch (rng_() % 4) {
      case 0:
        e = call("sock_accept",
                 {i32(fd()), i32(rng_() % 2 ? kFdflagNonblock : small()), i32(ptr())});
        break;
      case 1:
        e = call("sock_recv", {i32(fd()), i32(rng_() % 2 ? 0x100 : ptr()), i32(small()),
                               i32(rng_() % 2 ? rng_() % 4 : small()), i32(ptr()), i32(ptr())});
        break;
      case 2:
        e = call("sock_send", {i32(fd()), i32(rng_() % 2 ? 0x100 : ptr()), i32(small()),
                               i32(rng_() % 4 ? 0 : small()), i32(ptr())});
        break;
      default:
        e = call("sock_shutdown", {i32(fd()), i32(small())});
        break;
    }
    ASSERT_TRUE(defined_errno(e));
    ++seen[e];
  }
  // The draw reaches both the successful paths and the argument checks.
  EXPECT_GT(seen[Errno::Success], 50);
  EXPECT_GT(seen[Errno::Fault], 50);
  EXPECT_GT(seen[Errno::Inval], 50);
  EXPECT_GT(seen[Errno::Badf], 50);
  EXPECT_GT(seen[Errno::NotSock], 50);
}

}  // namespace
}  // namespace cloister::wasi::testing
