// SPDX-License-Identifier: Apache-2.0
//
// The dispatcher: the allow-list, the shim's own ops (exit, fault,
// violation, log) and their hostile texts, the reply hook, installing.
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "sallyport_test_util.h"

namespace cloister::host::sallyport::testing {
namespace {

using ServerTest = SallyportTest;

Outcome run(Server& s, uint8_t* block, uint64_t op, std::initializer_list<uint64_t> args) {
  auto& h = *reinterpret_cast<abi::Header*>(block);
  h.op = op;
  size_t i = 0;
  for (uint64_t a : args) h.arg[i++] = a;
  return s.handle(block);
}

TEST_F(ServerTest, CallsOutsideTheTableAreEnosys) {
  for (uint64_t op : {uint64_t{SYS_open},      uint64_t{SYS_execve},
                      uint64_t{SYS_fork},      uint64_t{SYS_kill},
                      uint64_t{SYS_ptrace},    uint64_t{SYS_mmap},
                      uint64_t{SYS_getpid},    uint64_t{SYS_chdir},
                      uint64_t{SYS_fchmod},    uint64_t{SYS_fchown},
                      uint64_t{SYS_dup2},      uint64_t{SYS_pipe},
                      uint64_t{SYS_mount},     uint64_t{SYS_statx},
                      uint64_t{SYS_renameat2}, uint64_t{SYS_io_uring_setup},
                      uint64_t{SYS_getrandom}, uint64_t{SYS_exit_group},
                      uint64_t{SYS_readv},     uint64_t{SYS_poll},
                      uint64_t{335},           uint64_t{0xffff},
                      uint64_t{0x10004},       ~uint64_t{0}}) {
    EXPECT_EQ(call(op, {0, 0, 0, 0, 0, 0}), -ENOSYS) << op;
  }
}

TEST_F(ServerTest, ExitAndFault) {
  const Outcome e = run(server_, block(), abi::kOpExit, {0x1ff});
  ASSERT_TRUE(std::holds_alternative<Exit>(e));
  EXPECT_EQ(std::get<Exit>(e).status, 0xff);
  const Outcome f = run(server_, block(), abi::kOpFault, {14, 2, 0x401000, 0xdead, 0x33, 0x7ff0});
  ASSERT_TRUE(std::holds_alternative<Fault>(f));
  EXPECT_EQ(std::get<Fault>(f).vector, 14u);
  EXPECT_EQ(std::get<Fault>(f).cr2, 0xdeadu);
  EXPECT_EQ(std::get<Fault>(f).rsp, 0x7ff0u);
}

TEST_F(ServerTest, ViolationTextIsBoundedAndSanitised) {
  const std::string text = "read: ret > count\n\x1b[31m\\";
  const uint64_t off = put(text.data(), text.size());
  const Outcome v = run(server_, block(), abi::kOpViolation, {off, text.size()});
  ASSERT_TRUE(std::holds_alternative<Violation>(v));
  EXPECT_EQ(std::get<Violation>(v).text, "read: ret > count\\x0a\\x1b[31m\\x5c");
  // Longer than kMaxMessage: cut.
  std::memset(block() + abi::kDataOffset, 'a', 4096);
  const Outcome l = run(server_, block(), abi::kOpViolation, {abi::kDataOffset, 4096});
  EXPECT_EQ(std::get<Violation>(l).text, std::string(abi::kMaxMessage, 'a'));
  // Outside the block: still a violation, with no text from it.
  for (auto [o, n] : {std::pair<uint64_t, uint64_t>{0, 10},
                      {abi::kBlockSize - 2, 10},
                      {abi::kNull, 1},
                      {abi::kDataOffset, ~uint64_t{0}}}) {
    const Outcome b = run(server_, block(), abi::kOpViolation, {o, n});
    ASSERT_TRUE(std::holds_alternative<Violation>(b));
    EXPECT_EQ(std::get<Violation>(b).text, "<message outside the block>");
  }
}

TEST_F(ServerTest, LogLinesGoToTheLogFd) {
  int p[2];
  ASSERT_EQ(::pipe2(p, O_CLOEXEC | O_NONBLOCK), 0);
  UniqueFd r(p[0]), w(p[1]);
  Server server(w.get());
  const std::string text = "unsupported syscall 99\tonce\xff";
  const uint64_t off = put(text.data(), text.size());
  EXPECT_TRUE(
      std::holds_alternative<Continue>(run(server, block(), abi::kOpLog, {off, text.size()})));
  EXPECT_EQ(header().ret, 0);
  char buf[256];
  const ssize_t n = ::read(r.get(), buf, sizeof(buf));
  ASSERT_GT(n, 0);
  EXPECT_EQ(std::string(buf, n), "cloister: shim: unsupported syscall 99\\x09once\\xff\n");
  EXPECT_TRUE(
      std::holds_alternative<Continue>(run(server, block(), abi::kOpLog, {abi::kBlockSize, 1})));
  EXPECT_EQ(header().ret, -EFAULT);
  EXPECT_EQ(::read(r.get(), buf, sizeof(buf)), -1) << "nothing logged";
}

TEST_F(ServerTest, ReplyHookSeesEveryLinuxReply) {
  int calls = 0;
  server_.set_reply_hook([&](uint8_t* b) {
    ++calls;
    // A hostile host's corruption lands in the block the guest reads.
    reinterpret_cast<abi::Header*>(b)->ret = 12345;
  });
  EXPECT_EQ(call(SYS_clock_gettime, {CLOCK_MONOTONIC, alloc(16)}), 12345);
  EXPECT_EQ(call(SYS_socket, {2, 1, 0}), 12345);
  EXPECT_EQ(calls, 2);
  (void)run(server_, block(), abi::kOpExit, {0});
  EXPECT_EQ(calls, 2) << "no reply, no hook";
}

TEST_F(ServerTest, RequestsAreReadOnce) {
  // The reply overwrites only ret: the op and arguments stay as the guest
  // wrote them, and the server acted on its own copy of them.
  const uint64_t ts = alloc(16);
  EXPECT_EQ(call(SYS_clock_gettime, {CLOCK_MONOTONIC, ts}), 0);
  EXPECT_EQ(header().op, uint64_t{SYS_clock_gettime});
  EXPECT_EQ(header().arg[1], ts);
}

TEST_F(ServerTest, InstallChecksNumbers) {
  Server s;
  EXPECT_TRUE(s.install(0, UniqueFd(::open("/dev/null", O_RDONLY | O_CLOEXEC))));
  EXPECT_FALSE(s.install(0, UniqueFd(::open("/dev/null", O_RDONLY | O_CLOEXEC))));
  EXPECT_FALSE(s.install(-1, UniqueFd(::open("/dev/null", O_RDONLY | O_CLOEXEC))));
  EXPECT_FALSE(s.install(abi::kMaxFds, UniqueFd(::open("/dev/null", O_RDONLY | O_CLOEXEC))));
  EXPECT_FALSE(s.install(5, UniqueFd()));
}

}  // namespace
}  // namespace cloister::host::sallyport::testing
