// SPDX-License-Identifier: Apache-2.0
//
// Socket calls on a TCP listener the host opened (as Cloister.toml would
// grant one): accept, send, receive, names, options, shutdown; and what a
// keep may not do (make sockets, bind, listen, connect, pass addresses).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>

#include "sallyport_test_util.h"

namespace cloister::host::sallyport::testing {
namespace {

constexpr uint64_t kListenFd = 5;

class SocketCallsTest : public SallyportTest {
 protected:
  void SetUp() override {
    SallyportTest::SetUp();
    UniqueFd listener(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    ASSERT_TRUE(listener);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(listener.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    ASSERT_EQ(::listen(listener.get(), 4), 0);
    socklen_t len = sizeof(addr_);
    ASSERT_EQ(::getsockname(listener.get(), reinterpret_cast<sockaddr*>(&addr_), &len), 0);
    ASSERT_TRUE(server_.install(kListenFd, std::move(listener)));
  }

  // Connects a host client and accepts it through the server.
  int64_t connect_and_accept(UniqueFd* client) {
    client->reset(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    EXPECT_EQ(::connect(client->get(), reinterpret_cast<sockaddr*>(&addr_), sizeof(addr_)), 0);
    return call(SYS_accept4, {kListenFd, abi::kNull, abi::kNull, 0});
  }

  sockaddr_in addr_{};
};

TEST_F(SocketCallsTest, AcceptSendReceive) {
  UniqueFd client(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  ASSERT_EQ(::connect(client.get(), reinterpret_cast<sockaddr*>(&addr_), sizeof(addr_)), 0);
  const uint64_t addr = alloc(128);
  const uint32_t given = 128;
  const uint64_t len = put(&given, 4);
  const int64_t conn = call(SYS_accept4, {kListenFd, addr, len, SOCK_CLOEXEC});
  ASSERT_EQ(conn, 0);
  EXPECT_EQ(get<uint32_t>(len), sizeof(sockaddr_in));
  EXPECT_EQ(get<sockaddr_in>(addr).sin_family, AF_INET);
  EXPECT_EQ(call(SYS_fcntl, {0, F_GETFD}), FD_CLOEXEC);

  EXPECT_EQ(call(SYS_sendto, {0, put("ping", 4), 4, 0, abi::kNull, 0}), 4);
  char buf[8];
  ASSERT_EQ(::recv(client.get(), buf, sizeof(buf), 0), 4);
  ASSERT_EQ(::send(client.get(), "pong!", 5, 0), 5);
  const uint64_t in = alloc(16);
  EXPECT_EQ(call(SYS_recvfrom, {0, in, 2, MSG_PEEK, abi::kNull, abi::kNull}), 2);
  EXPECT_EQ(call(SYS_recvfrom, {0, in, 5, MSG_WAITALL, abi::kNull, abi::kNull}), 5);
  EXPECT_EQ(std::memcmp(block() + in, "pong!", 5), 0);
  EXPECT_EQ(call(SYS_recvfrom, {0, in, 5, MSG_DONTWAIT, abi::kNull, abi::kNull}), -EAGAIN);
  // The write side is also an ordinary descriptor.
  EXPECT_EQ(call(SYS_write, {0, put("w", 1), 1}), 1);
  ASSERT_EQ(::recv(client.get(), buf, 1, 0), 1);
}

TEST_F(SocketCallsTest, AcceptWithAShortAddressBufferTruncatesAsLinux) {
  UniqueFd client(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  ASSERT_EQ(::connect(client.get(), reinterpret_cast<sockaddr*>(&addr_), sizeof(addr_)), 0);
  const uint64_t addr = alloc(16);
  std::memset(block() + addr, 0xee, 16);
  const uint32_t given = 4;
  const uint64_t len = put(&given, 4);
  EXPECT_GE(call(SYS_accept4, {kListenFd, addr, len, SOCK_NONBLOCK}), 0);
  EXPECT_EQ(get<uint32_t>(len), sizeof(sockaddr_in)) << "the real length";
  EXPECT_EQ(block()[addr + 4], 0xee) << "nothing past the given size";
}

TEST_F(SocketCallsTest, AcceptRefusesBadRequestsBeforeTakingTheConnection) {
  UniqueFd client(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  ASSERT_EQ(::connect(client.get(), reinterpret_cast<sockaddr*>(&addr_), sizeof(addr_)), 0);
  const uint32_t big = 129;
  EXPECT_EQ(call(SYS_accept4, {kListenFd, alloc(256), put(&big, 4), 0}), -EINVAL);
  const uint32_t given = 16;
  EXPECT_EQ(call(SYS_accept4, {kListenFd, abi::kBlockSize - 8, put(&given, 4), 0}), -EFAULT);
  EXPECT_EQ(call(SYS_accept4, {kListenFd, alloc(16), abi::kNull, 0}), -EFAULT);
  EXPECT_EQ(call(SYS_accept4, {kListenFd, abi::kNull, abi::kNull, 0x1}), -EINVAL);
  EXPECT_EQ(call(SYS_accept4, {kRootFd, abi::kNull, abi::kNull, 0}), -ENOTSOCK);
  EXPECT_EQ(call(SYS_accept4, {77, abi::kNull, abi::kNull, 0}), -EBADF);
  // The connection is still there.
  EXPECT_EQ(call(SYS_accept4, {kListenFd, abi::kNull, abi::kNull, 0}), 0);
}

TEST_F(SocketCallsTest, NamesAndOptions) {
  UniqueFd client;
  const int64_t conn = connect_and_accept(&client);
  ASSERT_EQ(conn, 0);
  const uint64_t addr = alloc(128);
  const uint32_t given = 128;
  uint64_t len = put(&given, 4);
  EXPECT_EQ(call(SYS_getsockname, {kListenFd, addr, len}), 0);
  EXPECT_EQ(get<sockaddr_in>(addr).sin_port, addr_.sin_port);
  len = put(&given, 4);
  EXPECT_EQ(call(SYS_getpeername, {0, addr, len}), 0);
  EXPECT_EQ(get<uint32_t>(len), sizeof(sockaddr_in));
  const uint32_t too_big = 4096;
  EXPECT_EQ(call(SYS_getsockname, {0, addr, put(&too_big, 4)}), -EINVAL);
  EXPECT_EQ(call(SYS_getsockname, {0, abi::kBlockSize - 64, put(&given, 4)}), -EFAULT);
  EXPECT_EQ(call(SYS_getsockname, {0, addr, abi::kBlockSize - 2}), -EFAULT);
  EXPECT_EQ(call(SYS_getpeername, {kListenFd, addr, put(&given, 4)}), -ENOTCONN);

  const int one = 1;
  EXPECT_EQ(call(SYS_setsockopt, {0, IPPROTO_TCP, TCP_NODELAY, put(&one, 4), 4}), 0);
  EXPECT_EQ(call(SYS_setsockopt, {0, SOL_SOCKET, SO_KEEPALIVE, put(&one, 4), 4}), 0);
  EXPECT_EQ(call(SYS_setsockopt, {0, SOL_SOCKET, SO_KEEPALIVE, put(&one, 4), 8}), -EINVAL);
  EXPECT_EQ(call(SYS_setsockopt, {0, SOL_SOCKET, SO_REUSEADDR, put(&one, 4), 4}), -EINVAL);
  EXPECT_EQ(call(SYS_setsockopt, {0, SOL_SOCKET, SO_BINDTODEVICE, put("lo", 3), 3}), -EINVAL);
  EXPECT_EQ(call(SYS_setsockopt, {0, SOL_SOCKET, SO_KEEPALIVE, abi::kBlockSize - 2, 4}), -EFAULT);

  // Each request gets its own value and length slots (the block's room is
  // reused after every call).
  uint64_t val = 0;
  const auto getopt = [&](uint64_t fd, uint64_t level, uint64_t name) {
    const uint32_t four = 4;
    val = alloc(4);
    len = put(&four, 4);
    return call(SYS_getsockopt, {fd, level, name, val, len});
  };
  EXPECT_EQ(getopt(0, IPPROTO_TCP, TCP_NODELAY), 0);
  EXPECT_NE(get<int>(val), 0);
  EXPECT_EQ(getopt(kListenFd, SOL_SOCKET, SO_ACCEPTCONN), 0);
  EXPECT_EQ(get<int>(val), 1);
  EXPECT_EQ(getopt(0, SOL_SOCKET, SO_TYPE), 0);
  EXPECT_EQ(get<int>(val), SOCK_STREAM);
  EXPECT_EQ(get<uint32_t>(len), 4u);
  const uint32_t four = 4;
  EXPECT_EQ(call(SYS_getsockopt, {0, SOL_SOCKET, SO_PEERCRED, alloc(4), put(&four, 4)}), -EINVAL);
  EXPECT_EQ(call(SYS_getsockopt, {0, SOL_SOCKET, SO_TYPE, abi::kBlockSize - 2, put(&four, 4)}),
            -EFAULT);
  EXPECT_EQ(call(SYS_getsockopt, {0, SOL_SOCKET, SO_TYPE, alloc(4), abi::kNull}), -EFAULT);
}

TEST_F(SocketCallsTest, SendAndReceiveRules) {
  UniqueFd client;
  ASSERT_EQ(connect_and_accept(&client), 0);
  const uint64_t buf = put("x", 1);
  EXPECT_EQ(call(SYS_sendto, {0, buf, 1, MSG_OOB, abi::kNull, 0}), -EINVAL);
  EXPECT_EQ(call(SYS_sendto, {0, buf, 1, MSG_CONFIRM, abi::kNull, 0}), -EINVAL);
  EXPECT_EQ(call(SYS_sendto, {0, buf, 1, 0, alloc(16), 16}), -EINVAL) << "no addresses";
  EXPECT_EQ(call(SYS_sendto, {0, abi::kBlockSize - 1, 2, 0, abi::kNull, 0}), -EFAULT);
  EXPECT_EQ(call(SYS_recvfrom, {0, buf, 1, MSG_ERRQUEUE, abi::kNull, abi::kNull}), -EINVAL);
  EXPECT_EQ(call(SYS_recvfrom, {0, buf, 1, 0, alloc(16), alloc(4)}), -EINVAL);
  EXPECT_EQ(call(SYS_recvfrom, {0, abi::kBlockSize - 1, 2, 0, abi::kNull, abi::kNull}), -EFAULT);
  // A peer that went away is EPIPE, never a SIGPIPE that would kill the VMM.
  EXPECT_EQ(call(SYS_shutdown, {0, 3}), -EINVAL);
  EXPECT_EQ(call(SYS_shutdown, {0, SHUT_WR}), 0);
  EXPECT_EQ(call(SYS_sendto, {0, buf, 1, MSG_DONTWAIT, abi::kNull, 0}), -EPIPE);
}

TEST_F(SocketCallsTest, AKeepCannotMakeOrPlaceSockets) {
  const uint64_t addr = put(&addr_, sizeof(addr_));
  EXPECT_EQ(call(SYS_socket, {AF_INET, SOCK_STREAM, 0}), -ENOSYS);
  EXPECT_EQ(call(SYS_socketpair, {AF_UNIX, SOCK_STREAM, 0, alloc(8)}), -ENOSYS);
  EXPECT_EQ(call(SYS_bind, {kListenFd, addr, sizeof(addr_)}), -ENOSYS);
  EXPECT_EQ(call(SYS_listen, {kListenFd, 10}), -ENOSYS);
  EXPECT_EQ(call(SYS_connect, {kListenFd, addr, sizeof(addr_)}), -ENOSYS);
  EXPECT_EQ(call(SYS_accept, {kListenFd, abi::kNull, abi::kNull}), -ENOSYS);
  EXPECT_EQ(call(SYS_sendmsg, {kListenFd, alloc(56), 0}), -ENOSYS);
  EXPECT_EQ(call(SYS_recvmsg, {kListenFd, alloc(56), 0}), -ENOSYS);
}

}  // namespace
}  // namespace cloister::host::sallyport::testing
