// SPDX-License-Identifier: Apache-2.0
//
// sock_accept / sock_recv / sock_send / sock_shutdown on a loopback TCP
// listener and on socketpairs, as the host would grant them.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "misc_test_util.h"
#include "wasi/abi.h"

namespace cloister::wasi::testing {
namespace {

// WASI fds of the test context.
constexpr uint32_t kListener = 0;  // TCP listener on 127.0.0.1
constexpr uint32_t kStream = 1;    // AF_UNIX stream socketpair end
constexpr uint32_t kPipe = 2;      // not a socket
constexpr uint32_t kDgram = 3;     // AF_UNIX datagram socketpair end

class SockTest : public MiscWasiTest {
 protected:
  void SetUp() override {
    MiscWasiTest::SetUp();
    WasiSetup setup;
    setup.fds.resize(4);

    UniqueFd listener(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    ASSERT_TRUE(listener.valid());
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(listener.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    ASSERT_EQ(::listen(listener.get(), 8), 0);
    socklen_t len = sizeof addr;
    ASSERT_EQ(::getsockname(listener.get(), reinterpret_cast<sockaddr*>(&addr), &len), 0);
    listen_addr_ = addr;
    setup.fds[kListener].host = std::move(listener);
    setup.fds[kListener].is_listener = true;

    int sv[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
    setup.fds[kStream].host.reset(sv[0]);
    stream_peer_.reset(sv[1]);

    int p[2];
    ASSERT_EQ(::pipe2(p, O_CLOEXEC), 0);
    setup.fds[kPipe].host.reset(p[1]);
    pipe_r_.reset(p[0]);

    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv), 0);
    setup.fds[kDgram].host.reset(sv[0]);
    dgram_peer_.reset(sv[1]);
    use_setup(std::move(setup));
  }

  // A client connected to the listener (the connection waits in its backlog).
  UniqueFd connect_client() {
    UniqueFd c(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    EXPECT_EQ(::connect(c.get(), reinterpret_cast<sockaddr*>(&listen_addr_), sizeof listen_addr_),
              0);
    return c;
  }

  // One iovec at `iov` describing [buf, buf+len).
  void put_iovec(uint32_t iov, uint32_t buf, uint32_t len) {
    put_u32(iov + layout::kIovecBuf, buf);
    put_u32(iov + layout::kIovecLen, len);
  }
  Errno recv(uint32_t fd, uint32_t iovs, uint32_t n, uint32_t flags) {
    put_u32(0x40, 0xDEAD);
    put_u16(0x44, 0xBEEF);
    return call("sock_recv", {i32(fd), i32(iovs), i32(n), i32(flags), i32(0x40), i32(0x44)});
  }
  Errno send(uint32_t fd, std::string_view data, uint32_t flags = 0) {
    put_bytes(0x600, data);
    put_iovec(0x80, 0x600, static_cast<uint32_t>(data.size()));
    return call("sock_send", {i32(fd), i32(0x80), i32(1), i32(flags), i32(0x48)});
  }
  std::string read_peer(int fd, size_t max = 256) {
    std::string buf(max, '\0');
    const ssize_t n = ::read(fd, buf.data(), buf.size());
    buf.resize(n < 0 ? 0 : static_cast<size_t>(n));
    return buf;
  }

  sockaddr_in listen_addr_{};
  UniqueFd stream_peer_, pipe_r_, dgram_peer_;
};

TEST_F(SockTest, AcceptGivesANewConnectedSocketFd) {
  UniqueFd client = connect_client();
  ASSERT_EQ(call("sock_accept", {i32(kListener), i32(0), i32(0x20)}), Errno::Success);
  const uint32_t conn = get_u32(0x20);
  EXPECT_EQ(conn, 4u);  // lowest free number
  ASSERT_EQ(send(conn, "over tcp"), Errno::Success);
  EXPECT_EQ(get_u32(0x48), 8u);
  EXPECT_EQ(read_peer(client.get()), "over tcp");
  ASSERT_EQ(::write(client.get(), "back", 4), 4);
  put_iovec(0x80, 0x800, 64);
  ASSERT_EQ(recv(conn, 0x80, 1, 0), Errno::Success);
  EXPECT_EQ(get_u32(0x40), 4u);
  EXPECT_EQ(get_bytes(0x800, 4), "back");
  // A connection cannot accept.
  EXPECT_EQ(call("sock_accept", {i32(conn), i32(0), i32(0x20)}), Errno::NotCapable);
  EXPECT_EQ(call("sock_shutdown", {i32(conn), i32(kSdWr)}), Errno::Success);
  EXPECT_EQ(read_peer(client.get()), "");
}

TEST_F(SockTest, NonblockFlagMakesTheNewConnectionNonblocking) {
  UniqueFd client = connect_client();
  ASSERT_EQ(call("sock_accept", {i32(kListener), i32(kFdflagNonblock), i32(0x20)}), Errno::Success);
  // Nothing to read on the new connection: Again instead of blocking.
  put_iovec(0x80, 0x800, 64);
  EXPECT_EQ(recv(get_u32(0x20), 0x80, 1, 0), Errno::Again);
}

TEST_F(SockTest, ANonblockingListenerWithNothingPendingIsAgain) {
  const int host = ctx_->fds().find(kListener)->host.get();
  ASSERT_EQ(::fcntl(host, F_SETFL, ::fcntl(host, F_GETFL) | O_NONBLOCK), 0);
  EXPECT_EQ(call("sock_accept", {i32(kListener), i32(0), i32(0x20)}), Errno::Again);
}

TEST_F(SockTest, PollWakesForAPendingConnection) {
  // fd_read readiness on a listener means accept will not block.
  const uint32_t sub = 0x1000;
  std::memset(mem() + sub, 0, 2 * layout::kSubscriptionSize);
  put_u64(sub + layout::kSubUserdata, 1);
  mem()[sub + layout::kSubTag] = kEventFdRead;
  put_u32(sub + layout::kSubFdReadwriteFd, kListener);
  const uint32_t clock = sub + layout::kSubscriptionSize;
  put_u64(clock + layout::kSubUserdata, 2);
  mem()[clock + layout::kSubTag] = kEventClock;
  put_u32(clock + layout::kSubClockId, kClockMonotonic);
  put_u64(clock + layout::kSubClockTimeout, 5000000000ull);
  UniqueFd client;
  std::thread connector([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    client = connect_client();
  });
  const Errno r = call("poll_oneoff", {i32(sub), i32(0x2000), i32(2), i32(0x30)});
  connector.join();
  ASSERT_EQ(r, Errno::Success);
  ASSERT_EQ(get_u32(0x30), 1u);
  EXPECT_EQ(get_u64(0x2000 + layout::kEventUserdata), 1u);
  EXPECT_EQ(call("sock_accept", {i32(kListener), i32(0), i32(0x20)}), Errno::Success);
}

TEST_F(SockTest, AcceptErrors) {
  EXPECT_EQ(call("sock_accept", {i32(99), i32(0), i32(0x20)}), Errno::Badf);
  EXPECT_EQ(call("sock_accept", {i32(kPipe), i32(0), i32(0x20)}), Errno::NotSock);
  EXPECT_EQ(call("sock_accept", {i32(kListener), i32(kFdflagAppend), i32(0x20)}), Errno::Inval);
  // A bad result pointer is found before accepting: the connection stays queued.
  UniqueFd client = connect_client();
  const auto end = static_cast<uint32_t>(memory_size());
  EXPECT_EQ(call("sock_accept", {i32(kListener), i32(0), i32(end - 3)}), Errno::Fault);
  EXPECT_EQ(call("sock_accept", {i32(kListener), i32(0), i32(0x20)}), Errno::Success);
}

TEST_F(SockTest, RecvScattersIntoSeveralBuffers) {
  ASSERT_EQ(::write(stream_peer_.get(), "hello world", 11), 11);
  put_iovec(0x80, 0x800, 5);
  put_iovec(0x88, 0x900, 0);
  put_iovec(0x90, 0xA00, 20);
  ASSERT_EQ(recv(kStream, 0x80, 3, 0), Errno::Success);
  EXPECT_EQ(get_u32(0x40), 11u);
  EXPECT_EQ(get_u16(0x44), 0);
  EXPECT_EQ(get_bytes(0x800, 5), "hello");
  EXPECT_EQ(get_bytes(0xA00, 6), " world");
}

TEST_F(SockTest, PeekLeavesTheDataQueued) {
  ASSERT_EQ(::write(stream_peer_.get(), "peek", 4), 4);
  put_iovec(0x80, 0x800, 16);
  ASSERT_EQ(recv(kStream, 0x80, 1, kRiRecvPeek), Errno::Success);
  EXPECT_EQ(get_u32(0x40), 4u);
  put_iovec(0x80, 0x900, 16);
  ASSERT_EQ(recv(kStream, 0x80, 1, 0), Errno::Success);
  EXPECT_EQ(get_u32(0x40), 4u);
  EXPECT_EQ(get_bytes(0x900, 4), "peek");
}

TEST_F(SockTest, WaitallWaitsForTheWholeBuffer) {
  ASSERT_EQ(::write(stream_peer_.get(), "abc", 3), 3);
  std::thread late([fd = stream_peer_.get()] {
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    EXPECT_EQ(::write(fd, "def", 3), 3);
  });
  put_iovec(0x80, 0x800, 6);
  const Errno r = recv(kStream, 0x80, 1, kRiRecvWaitall);
  late.join();
  ASSERT_EQ(r, Errno::Success);
  EXPECT_EQ(get_u32(0x40), 6u);
  EXPECT_EQ(get_bytes(0x800, 6), "abcdef");
}

TEST_F(SockTest, ATruncatedDatagramSetsDataTruncated) {
  ASSERT_EQ(::send(dgram_peer_.get(), "0123456789", 10, 0), 10);
  put_iovec(0x80, 0x800, 4);
  ASSERT_EQ(recv(kDgram, 0x80, 1, 0), Errno::Success);
  EXPECT_EQ(get_u32(0x40), 4u);
  EXPECT_EQ(get_u16(0x44), kRoRecvDataTruncated);
  EXPECT_EQ(get_bytes(0x800, 4), "0123");
}

TEST_F(SockTest, RecvErrors) {
  const auto end = static_cast<uint32_t>(memory_size());
  put_iovec(0x80, 0x800, 4);
  EXPECT_EQ(recv(kStream, 0x80, 1, 4), Errno::Inval);
  EXPECT_EQ(recv(kPipe, 0x80, 1, 0), Errno::NotSock);
  EXPECT_EQ(recv(77, 0x80, 1, 0), Errno::Badf);
  put_iovec(0x80, end - 3, 4);
  EXPECT_EQ(recv(kStream, 0x80, 1, 0), Errno::Fault);
  EXPECT_EQ(recv(kStream, 0x80, 2000, 0), Errno::Inval);
  // Bad result pointers are found before receiving: the data stays queued.
  ASSERT_EQ(::write(stream_peer_.get(), "kept", 4), 4);
  put_iovec(0x80, 0x800, 4);
  EXPECT_EQ(call("sock_recv", {i32(kStream), i32(0x80), i32(1), i32(0), i32(end), i32(0x44)}),
            Errno::Fault);
  EXPECT_EQ(call("sock_recv", {i32(kStream), i32(0x80), i32(1), i32(0), i32(0x40), i32(end - 1)}),
            Errno::Fault);
  ASSERT_EQ(recv(kStream, 0x80, 1, 0), Errno::Success);
  EXPECT_EQ(get_bytes(0x800, 4), "kept");
}

TEST_F(SockTest, SendGathersAndReportsTheCount) {
  put_bytes(0x800, "gath");
  put_bytes(0x900, "ered");
  put_iovec(0x80, 0x800, 4);
  put_iovec(0x88, 0x900, 4);
  ASSERT_EQ(call("sock_send", {i32(kStream), i32(0x80), i32(2), i32(0), i32(0x48)}),
            Errno::Success);
  EXPECT_EQ(get_u32(0x48), 8u);
  EXPECT_EQ(read_peer(stream_peer_.get()), "gathered");
}

TEST_F(SockTest, SendErrors) {
  EXPECT_EQ(send(kStream, "x", 1), Errno::Inval);  // siflags has no flags
  EXPECT_EQ(send(kPipe, "x"), Errno::NotSock);
  EXPECT_EQ(send(42, "x"), Errno::Badf);
  const auto end = static_cast<uint32_t>(memory_size());
  put_iovec(0x80, end - 1, 2);
  EXPECT_EQ(call("sock_send", {i32(kStream), i32(0x80), i32(1), i32(0), i32(0x48)}), Errno::Fault);
  // A peer that went away is Pipe, and the process is still here (no SIGPIPE).
  stream_peer_.reset();
  EXPECT_EQ(send(kStream, "into the void"), Errno::Pipe);
}

TEST_F(SockTest, ShutdownEachDirection) {
  ASSERT_EQ(call("sock_shutdown", {i32(kStream), i32(kSdWr)}), Errno::Success);
  EXPECT_EQ(read_peer(stream_peer_.get()), "");  // end of stream
  ASSERT_EQ(call("sock_shutdown", {i32(kStream), i32(kSdRd)}), Errno::Success);
  put_iovec(0x80, 0x800, 4);
  ASSERT_EQ(recv(kStream, 0x80, 1, 0), Errno::Success);
  EXPECT_EQ(get_u32(0x40), 0u);
  EXPECT_EQ(call("sock_shutdown", {i32(kDgram), i32(kSdRd | kSdWr)}), Errno::Success);
}

TEST_F(SockTest, ShutdownErrorsMatchTheTestsuite) {
  // sock_shutdown-invalid_fd and sock_shutdown-not_sock.
  EXPECT_EQ(call("sock_shutdown", {i32(99), i32(kSdRd)}), Errno::Badf);
  EXPECT_EQ(call("sock_shutdown", {i32(kPipe), i32(kSdRd)}), Errno::NotSock);
  EXPECT_EQ(call("sock_shutdown", {i32(kStream), i32(0)}), Errno::Inval);
  EXPECT_EQ(call("sock_shutdown", {i32(kStream), i32(4)}), Errno::Inval);
}

}  // namespace
}  // namespace cloister::wasi::testing
