// SPDX-License-Identifier: Apache-2.0
//
// The shim's sallyport client (src/shim/proxy*.cc) against the real host
// server (src/host/sallyport), in one process: every call the keep program
// makes is marshalled by the shim's code, served by the host's code on real
// descriptors, and checked on the way back. The reply hook then plays a
// hostile host and shows each kind of lie ends the call with a protocol
// violation before the program's memory is touched.
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "fake_shim.h"
#include "host/sallyport/server.h"
#include "sallyport/abi.h"
#include "sallyport/boot.h"
#include "shim/proxy.h"

namespace cloister::sallyport {
namespace {

using testing::attach_server;
using testing::doorbells;
using testing::ViolationThrown;

template <typename T>
uint64_t u(T* p) {
  return reinterpret_cast<uint64_t>(p);
}
uint64_t u(const char* s) {
  return reinterpret_cast<uint64_t>(s);
}

int64_t sys(uint64_t nr, uint64_t a0 = 0, uint64_t a1 = 0, uint64_t a2 = 0, uint64_t a3 = 0,
            uint64_t a4 = 0, uint64_t a5 = 0) {
  EXPECT_TRUE(shim::is_proxied(nr)) << nr;
  const uint64_t args[6] = {a0, a1, a2, a3, a4, a5};
  return shim::proxy_syscall(nr, args);
}

// Guest fds: 0 = a pipe's read end (its write end is `feed_`), 1 = a pipe's
// write end (read end `drain_`), 2 = a scratch file, 3 = a preopened
// directory, 4 = a TCP listener on 127.0.0.1.
constexpr uint64_t kFile = 2, kDir = 3, kListener = 4, kInitialFds = 5;

class ProxyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("cloister-proxy-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    int in[2], out[2];
    ASSERT_EQ(::pipe2(in, O_CLOEXEC), 0);
    ASSERT_EQ(::pipe2(out, O_CLOEXEC), 0);
    feed_ = in[1];
    drain_ = out[0];
    std::filesystem::create_directories(dir_ / "root");
    const int file = ::open((dir_ / "scratch").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    const int root = ::open((dir_ / "root").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    ASSERT_GE(file, 0);
    ASSERT_GE(root, 0);
    const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(listener, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    ASSERT_EQ(::listen(listener, 4), 0);
    socklen_t len = sizeof(listen_addr_);
    ASSERT_EQ(::getsockname(listener, reinterpret_cast<sockaddr*>(&listen_addr_), &len), 0);

    ASSERT_TRUE(server_.install(0, UniqueFd(in[0])));
    ASSERT_TRUE(server_.install(1, UniqueFd(out[1])));
    ASSERT_TRUE(server_.install(kFile, UniqueFd(file)));
    ASSERT_TRUE(server_.install(kDir, UniqueFd(root)));
    ASSERT_TRUE(server_.install(kListener, UniqueFd(listener)));
    shim::proxy_init(kInitialFds);
    attach_server(&server_);
  }

  void TearDown() override {
    attach_server(nullptr);
    ::close(feed_);
    ::close(drain_);
    std::filesystem::remove_all(dir_);
  }

  // A client connected to the listener (the host side's peer).
  int connect_client() {
    const int c = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    EXPECT_EQ(::connect(c, reinterpret_cast<sockaddr*>(&listen_addr_), sizeof(listen_addr_)), 0);
    return c;
  }

  // Makes the host lie: `corrupt` runs on the block after every reply.
  void hostile(std::function<void(Header*, uint8_t*)> corrupt) {
    server_.set_reply_hook(
        [corrupt](uint8_t* block) { corrupt(reinterpret_cast<Header*>(block), block); });
  }

  std::filesystem::path dir_;
  host::sallyport::Server server_;
  int feed_ = -1, drain_ = -1;
  sockaddr_in listen_addr_{};
};

// ---- an honest host: the marshalling matches the host's table ----

TEST_F(ProxyTest, WriteReadAndSeekOnAFile) {
  const char text[] = "through the sallyport";
  EXPECT_EQ(sys(SYS_write, kFile, u(text), sizeof(text)), static_cast<int64_t>(sizeof(text)));
  EXPECT_EQ(sys(SYS_lseek, kFile, 0, SEEK_SET), 0);
  char back[64] = {};
  EXPECT_EQ(sys(SYS_read, kFile, u(back), sizeof(back)), static_cast<int64_t>(sizeof(text)));
  EXPECT_STREQ(back, text);
  char at[8] = {};
  EXPECT_EQ(sys(SYS_pread64, kFile, u(at), 3, 8), 3);
  EXPECT_EQ(std::string(at), "the");
  EXPECT_EQ(sys(SYS_pwrite64, kFile, u("THE"), 3, 8), 3);
  EXPECT_EQ(sys(SYS_pread64, kFile, u(back), sizeof(back), 0), static_cast<int64_t>(sizeof(text)));
  EXPECT_STREQ(back, "through THE sallyport");
  EXPECT_EQ(sys(SYS_fsync, kFile), 0);
  EXPECT_EQ(sys(SYS_fdatasync, kFile), 0);
  EXPECT_EQ(sys(SYS_ftruncate, kFile, 4), 0);
  EXPECT_EQ(sys(SYS_fallocate, kFile, 0, 0, 8192), 0);
  struct stat st {};
  EXPECT_EQ(sys(SYS_fstat, kFile, u(&st)), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode));
  EXPECT_EQ(st.st_size, 8192);
}

TEST_F(ProxyTest, TransfersLargerThanTheBlockAreOneShortRequest) {
  std::vector<uint8_t> big(3 * kBlockSize);
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<uint8_t>(i * 7);
  iovec iov[3] = {{big.data(), kBlockSize},
                  {big.data() + kBlockSize, kBlockSize},
                  {big.data() + 2 * kBlockSize, kBlockSize}};
  attach_server(&server_);
  EXPECT_EQ(sys(SYS_writev, kFile, u(iov), 3), static_cast<int64_t>(kDataSize));
  EXPECT_EQ(doorbells(), 1u);
  EXPECT_EQ(sys(SYS_write, kFile, u(big.data()), big.size()), static_cast<int64_t>(kDataSize));
  EXPECT_EQ(doorbells(), 2u);
  std::vector<uint8_t> back(big.size());
  EXPECT_EQ(sys(SYS_pread64, kFile, u(back.data()), back.size(), 0),
            static_cast<int64_t>(kDataSize));
  EXPECT_EQ(std::memcmp(back.data(), big.data(), kDataSize), 0);
  iovec riov[2] = {{back.data(), 10}, {back.data() + 100, kBlockSize * 2}};
  EXPECT_EQ(sys(SYS_preadv, kFile, u(riov), 2, kDataSize), static_cast<int64_t>(kDataSize));
  EXPECT_EQ(std::memcmp(back.data(), big.data(), 10), 0);
  EXPECT_EQ(std::memcmp(back.data() + 100, big.data() + 10, kDataSize - 10), 0);
}

TEST_F(ProxyTest, VectoredPipesAndPoll) {
  const char a[] = "ab", b[] = "cde";
  iovec iov[2] = {{const_cast<char*>(a), 2}, {const_cast<char*>(b), 3}};
  EXPECT_EQ(sys(SYS_writev, 1, u(iov), 2), 5);
  char got[8] = {};
  EXPECT_EQ(::read(drain_, got, sizeof(got)), 5);
  EXPECT_EQ(std::string(got), "abcde");

  pollfd fds[2] = {{0, POLLIN, 0}, {1, POLLOUT, 0}};
  EXPECT_EQ(sys(SYS_poll, u(fds), 2, 0), 1);
  EXPECT_EQ(fds[0].revents, 0);
  EXPECT_EQ(fds[1].revents, POLLOUT);
  ASSERT_EQ(::write(feed_, "xyz", 3), 3);
  timespec zero{0, 0};
  EXPECT_EQ(sys(SYS_ppoll, u(fds), 2, u(&zero), 0, 8), 2);
  EXPECT_EQ(fds[0].revents, POLLIN);
  int avail = -1;
  EXPECT_EQ(sys(SYS_ioctl, 0, FIONREAD, u(&avail)), 0);
  EXPECT_EQ(avail, 3);
  char one[2] = {}, two[2] = {};
  iovec riov[2] = {{one, 1}, {two, 2}};
  EXPECT_EQ(sys(SYS_readv, 0, u(riov), 2), 3);
  EXPECT_EQ(one[0], 'x');
  EXPECT_EQ(std::string(two, 2), "yz");
  EXPECT_EQ(sys(SYS_ioctl, 0, TCGETS, u(&avail)), -ENOTTY);
}

TEST_F(ProxyTest, PathCallsInAPreopen) {
  EXPECT_EQ(sys(SYS_mkdirat, kDir, u("d"), 0755), 0);
  const int64_t f = sys(SYS_openat, kDir, u("f"), O_CREAT | O_RDWR | O_CLOEXEC, 0644);
  EXPECT_EQ(f, static_cast<int64_t>(kInitialFds));
  EXPECT_EQ(sys(SYS_write, f, u("data"), 4), 4);
  struct stat st {};
  EXPECT_EQ(sys(SYS_newfstatat, kDir, u("d"), u(&st), 0), 0);
  EXPECT_TRUE(S_ISDIR(st.st_mode));
  EXPECT_EQ(sys(SYS_newfstatat, kDir, u("f"), u(&st), AT_SYMLINK_NOFOLLOW), 0);
  EXPECT_EQ(st.st_size, 4);
  EXPECT_EQ(sys(SYS_symlinkat, u("f"), kDir, u("l")), 0);
  char link[16] = {};
  EXPECT_EQ(sys(SYS_readlinkat, kDir, u("l"), u(link), sizeof(link)), 1);
  EXPECT_EQ(link[0], 'f');
  EXPECT_EQ(sys(SYS_linkat, kDir, u("f"), kDir, u("hard"), 0), 0);
  EXPECT_EQ(sys(SYS_renameat, kDir, u("hard"), kDir, u("moved")), 0);
  EXPECT_EQ(sys(SYS_utimensat, kDir, u("moved"), 0, 0), 0);
  timespec times[2] = {{1, 0}, {2, 0}};
  EXPECT_EQ(sys(SYS_utimensat, f, 0, u(times), 0), 0);
  EXPECT_EQ(sys(SYS_fstat, f, u(&st)), 0);
  EXPECT_EQ(st.st_mtim.tv_sec, 2);

  open_how how{};
  how.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC;
  how.resolve = RESOLVE_BENEATH;
  const int64_t d = sys(SYS_openat2, kDir, u("."), u(&how), sizeof(how));
  ASSERT_EQ(d, static_cast<int64_t>(kInitialFds) + 1);
  alignas(8) uint8_t dents[4096];
  const int64_t n = sys(SYS_getdents64, d, u(dents), sizeof(dents));
  ASSERT_GT(n, 0);
  std::vector<std::string> names;
  for (int64_t pos = 0; pos < n;) {
    uint16_t reclen;
    std::memcpy(&reclen, dents + pos + 16, 2);
    names.emplace_back(reinterpret_cast<char*>(dents + pos + 19));
    pos += reclen;
  }
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{".", "..", "d", "f", "l", "moved"}));

  EXPECT_EQ(sys(SYS_unlinkat, kDir, u("moved"), 0), 0);
  EXPECT_EQ(sys(SYS_unlinkat, kDir, u("d"), AT_REMOVEDIR), 0);
  EXPECT_EQ(sys(SYS_openat, kDir, u("../escape"), O_RDONLY, 0), -EXDEV);
  EXPECT_EQ(sys(SYS_close, f), 0);
  EXPECT_EQ(sys(SYS_close, f), -EBADF);
  // The number is free again and the record knows it.
  EXPECT_EQ(sys(SYS_openat, kDir, u("f"), O_RDONLY, 0), f);
}

TEST_F(ProxyTest, DescriptorFlagsAndDup) {
  EXPECT_EQ(sys(SYS_fcntl, kFile, F_GETFL) & O_ACCMODE, O_RDWR);
  EXPECT_EQ(sys(SYS_fcntl, 1, F_SETFL, O_NONBLOCK), 0);
  EXPECT_NE(sys(SYS_fcntl, 1, F_GETFL) & O_NONBLOCK, 0);
  EXPECT_EQ(sys(SYS_fcntl, 1, F_DUPFD_CLOEXEC, 0), static_cast<int64_t>(kInitialFds));
  EXPECT_EQ(sys(SYS_fcntl, kInitialFds, F_GETFD), FD_CLOEXEC);
  EXPECT_EQ(sys(SYS_fcntl, 1, F_DUPFD, 100), 100);
  EXPECT_EQ(sys(SYS_fcntl, 100, F_GETFD), 0);
  EXPECT_EQ(sys(SYS_dup, 2), static_cast<int64_t>(kInitialFds) + 1);
  EXPECT_EQ(sys(SYS_fcntl, 1, F_DUPFD, kMaxFds), -EINVAL);
  EXPECT_EQ(sys(SYS_fcntl, 1, F_GETLK, 0), -EINVAL);
}

TEST_F(ProxyTest, SocketsTheHostOpened) {
  const int client = connect_client();
  sockaddr_storage peer{};
  socklen_t peer_len = sizeof(peer);
  const int64_t conn = sys(SYS_accept4, kListener, u(&peer), u(&peer_len), SOCK_CLOEXEC);
  ASSERT_EQ(conn, static_cast<int64_t>(kInitialFds));
  EXPECT_EQ(peer.ss_family, AF_INET);
  EXPECT_EQ(peer_len, sizeof(sockaddr_in));
  // A short buffer: truncated, and the real length reported, as Linux does.
  sockaddr_storage name{};
  socklen_t name_len = 4;
  EXPECT_EQ(sys(SYS_getsockname, conn, u(&name), u(&name_len)), 0);
  EXPECT_EQ(name_len, sizeof(sockaddr_in));
  EXPECT_EQ(name.ss_family, AF_INET);
  name_len = sizeof(name);
  EXPECT_EQ(sys(SYS_getpeername, conn, u(&name), u(&name_len)), 0);
  EXPECT_EQ(name_len, sizeof(sockaddr_in));

  int type = 0;
  socklen_t type_len = sizeof(type);
  EXPECT_EQ(sys(SYS_getsockopt, conn, SOL_SOCKET, SO_TYPE, u(&type), u(&type_len)), 0);
  EXPECT_EQ(type, SOCK_STREAM);
  EXPECT_EQ(type_len, sizeof(int));
  const int on = 1;
  EXPECT_EQ(sys(SYS_setsockopt, conn, IPPROTO_TCP, TCP_NODELAY, u(&on), sizeof(on)), 0);

  EXPECT_EQ(sys(SYS_sendto, conn, u("hi"), 2, MSG_NOSIGNAL, 0, 0), 2);
  char got[8] = {};
  EXPECT_EQ(::recv(client, got, sizeof(got), 0), 2);
  EXPECT_EQ(std::string(got), "hi");
  const char part1[] = "mes", part2[] = "sage";
  iovec iov[2] = {{const_cast<char*>(part1), 3}, {const_cast<char*>(part2), 4}};
  msghdr msg{};
  msg.msg_iov = iov;
  msg.msg_iovlen = 2;
  EXPECT_EQ(sys(SYS_sendmsg, conn, u(&msg), MSG_NOSIGNAL), 7);
  EXPECT_EQ(::recv(client, got, 7, MSG_WAITALL), 7);
  EXPECT_EQ(std::string(got, 7), "message");
  msg.msg_controllen = 16;
  EXPECT_EQ(sys(SYS_sendmsg, conn, u(&msg), 0), -EINVAL);

  ASSERT_EQ(::send(client, "reply!", 6, 0), 6);
  char r1[3] = {}, r2[8] = {};
  iovec riov[2] = {{r1, 3}, {r2, 8}};
  msghdr rmsg{};
  sockaddr_storage from{};
  rmsg.msg_name = &from;
  rmsg.msg_namelen = sizeof(from);
  rmsg.msg_iov = riov;
  rmsg.msg_iovlen = 2;
  EXPECT_EQ(sys(SYS_recvmsg, conn, u(&rmsg), 0), 6);
  EXPECT_EQ(std::string(r1, 3) + std::string(r2, 3), "reply!");
  EXPECT_EQ(rmsg.msg_namelen, 0u);
  EXPECT_EQ(rmsg.msg_controllen, 0u);
  ASSERT_EQ(::send(client, "x", 1, 0), 1);
  EXPECT_EQ(sys(SYS_recvfrom, conn, u(got), sizeof(got), 0, 0, 0), 1);
  EXPECT_EQ(sys(SYS_shutdown, conn, SHUT_WR), 0);
  EXPECT_EQ(::recv(client, got, sizeof(got), 0), 0);
  EXPECT_EQ(sys(SYS_close, conn), 0);
  ::close(client);
}

TEST_F(ProxyTest, NoSocketsOfItsOwnAndNoHostCallForThem) {
  attach_server(&server_);
  EXPECT_EQ(sys(SYS_socket, AF_INET, SOCK_STREAM, 0), -EACCES);
  EXPECT_EQ(sys(SYS_bind, kListener, 0, 0), -EACCES);
  EXPECT_EQ(sys(SYS_listen, kListener, 1), -EACCES);
  EXPECT_EQ(sys(SYS_connect, kListener, 0, 0), -EACCES);
  EXPECT_EQ(doorbells(), 0u);
  EXPECT_FALSE(shim::is_proxied(SYS_mmap));
  EXPECT_FALSE(shim::is_proxied(SYS_getrandom));
}

TEST_F(ProxyTest, Clocks) {
  timespec ts{};
  EXPECT_EQ(sys(SYS_clock_gettime, CLOCK_MONOTONIC, u(&ts)), 0);
  EXPECT_GT(ts.tv_sec + ts.tv_nsec, 0);
  EXPECT_EQ(sys(SYS_clock_getres, CLOCK_REALTIME, u(&ts)), 0);
  EXPECT_EQ(sys(SYS_clock_getres, CLOCK_REALTIME, 0), 0);
  const timespec nap{0, 1000000};
  EXPECT_EQ(sys(SYS_nanosleep, u(&nap), 0), 0);
  EXPECT_EQ(sys(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, u(&nap), u(&ts)), 0);
  EXPECT_EQ(sys(SYS_clock_gettime, 12345, u(&ts)), -EINVAL);
}

TEST_F(ProxyTest, BadProgramPointersFaultWithoutAskingTheHost) {
  attach_server(&server_);
  const uint64_t bad = testing::kFakeUnmapped - 16;
  EXPECT_EQ(sys(SYS_write, kFile, bad, 5), -EFAULT);
  EXPECT_EQ(sys(SYS_openat, kDir, bad, O_RDONLY, 0), -EFAULT);
  EXPECT_EQ(sys(SYS_writev, kFile, bad, 2), -EFAULT);
  EXPECT_EQ(sys(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, bad, 0), -EFAULT);
  EXPECT_EQ(sys(SYS_writev, kFile, 0, -1), -EINVAL);
  std::string huge(5000, 'a');
  EXPECT_EQ(sys(SYS_mkdirat, kDir, u(huge.c_str()), 0755), -ENAMETOOLONG);
  EXPECT_EQ(doorbells(), 0u);
}

// ---- direct I/O: the host moves the data through the keep's page tables ----

// Guest RAM for direct I/O, at a 2 MiB-aligned host address R, with page
// tables (2 MiB pages) that map virtual R + x to guest physical x. The
// program's buffers live in it, so the fake shim (which reads the program's
// memory as this process's) and the host (which walks the tables) agree.
class FakeGuestRam {
 public:
  static constexpr uint64_t kSize = uint64_t{8} << 20;
  static constexpr uint64_t kTables = 0;      // PML4 at GPA 0, then PDPT and PD pages
  static constexpr uint64_t kFree = 1 << 20;  // the program's buffers from here

  FakeGuestRam() : base_(static_cast<uint8_t*>(std::aligned_alloc(2 << 20, kSize))) {
    std::memset(base_, 0, kSize);
    const uint64_t r = reinterpret_cast<uint64_t>(base_);
    for (uint64_t gpa = 0; gpa < kSize; gpa += 2 << 20) map_2m(r + gpa, gpa);
  }
  ~FakeGuestRam() { std::free(base_); }

  uint8_t* base() const { return base_; }
  uint8_t* buffer(uint64_t offset) const { return base_ + kFree + offset; }

 private:
  static constexpr uint64_t kPwu = 7;  // present, writable, user
  uint64_t* entry(uint64_t table_gpa, uint64_t index) {
    return reinterpret_cast<uint64_t*>(base_ + table_gpa) + index;
  }
  uint64_t next(uint64_t* e) {
    if (*e == 0) {
      next_table_ += 4096;
      *e = next_table_ | kPwu;
    }
    return *e & ~uint64_t{0xfff};
  }
  void map_2m(uint64_t va, uint64_t gpa) {
    const uint64_t pdpt = next(entry(kTables, (va >> 39) & 511));
    const uint64_t pd = next(entry(pdpt, (va >> 30) & 511));
    *entry(pd, (va >> 21) & 511) = gpa | kPwu | 0x80;  // PS: a 2 MiB page
  }

  uint8_t* base_;
  uint64_t next_table_ = kTables;
};

class DirectIoTest : public ProxyTest {
 protected:
  void SetUp() override {
    ProxyTest::SetUp();
    server_.set_guest_memory(ram_.base(), FakeGuestRam::kSize);
    testing::set_host_features(boot::kFeatureDirectIo, FakeGuestRam::kTables);
  }
  void TearDown() override {
    testing::set_host_features(0, 0);
    ProxyTest::TearDown();
  }
  FakeGuestRam ram_;
};

TEST_F(DirectIoTest, LargeTransfersAreOneRequestWithoutTheBlock) {
  uint8_t* big = ram_.buffer(0);
  const uint64_t n = 3 * kBlockSize;
  for (uint64_t i = 0; i < n; ++i) big[i] = static_cast<uint8_t>(i * 13);
  attach_server(&server_);
  EXPECT_EQ(sys(SYS_write, kFile, u(big), n), static_cast<int64_t>(n));
  EXPECT_EQ(doorbells(), 1u);
  uint8_t* back = ram_.buffer(n);
  EXPECT_EQ(sys(SYS_pread64, kFile, u(back), n, 0), static_cast<int64_t>(n));
  EXPECT_EQ(std::memcmp(back, big, n), 0);
  EXPECT_EQ(doorbells(), 2u);

  // The iovec array itself is in guest memory too.
  auto* iov = reinterpret_cast<iovec*>(ram_.buffer(2 * n));
  iov[0] = {back, 5};
  iov[1] = {back + 100, 7};
  std::memset(back, 0, 200);
  EXPECT_EQ(sys(SYS_preadv, kFile, u(iov), 2, 10), 12);
  EXPECT_EQ(std::memcmp(back, big + 10, 5), 0);
  EXPECT_EQ(std::memcmp(back + 100, big + 15, 7), 0);
  EXPECT_EQ(sys(SYS_lseek, kFile, 0, SEEK_SET), 0);
  EXPECT_EQ(sys(SYS_writev, kFile, u(iov), 2), 12);
  EXPECT_EQ(sys(SYS_readv, kFile, u(iov), 2), 12);
  EXPECT_EQ(sys(SYS_read, kFile, u(back), 1), 1);
}

TEST_F(DirectIoTest, BuffersOutsideTheProgramsHalfOrUnmappedFault) {
  attach_server(&server_);
  EXPECT_EQ(sys(SYS_read, kFile, uint64_t{1} << 47, 16), -EFAULT);
  EXPECT_EQ(sys(SYS_write, kFile, ~uint64_t{0} - 8, 16), -EFAULT);
  auto* iov = reinterpret_cast<iovec*>(ram_.buffer(0));
  iov[0] = {reinterpret_cast<void*>(uint64_t{0xffff800000000000}), 4};
  EXPECT_EQ(sys(SYS_writev, kFile, u(iov), 1), -EFAULT);
  EXPECT_EQ(doorbells(), 0u);
  // Mapped nowhere in the keep's tables: the host refuses it.
  char outside[16] = {};
  EXPECT_EQ(sys(SYS_write, kFile, u(outside), sizeof(outside)), -EFAULT);
  EXPECT_EQ(doorbells(), 1u);
}

TEST_F(DirectIoTest, OversizedLengthIsStillAViolation) {
  hostile([](Header* h, uint8_t*) {
    if (h->op == (SYS_readv | kOpDirect)) h->ret = 13;
  });
  uint8_t* buf = ram_.buffer(0);
  auto* iov = reinterpret_cast<iovec*>(ram_.buffer(4096));
  iov[0] = {buf, 5};
  iov[1] = {buf + 100, 7};
  try {
    sys(SYS_readv, kFile, u(iov), 2);
    FAIL() << "no violation";
  } catch (const ViolationThrown& v) {
    EXPECT_EQ(v.call, "readv");
    EXPECT_EQ(v.check, "length larger than asked");
  }
}

// ---- a hostile host: every lie is caught before the program sees it ----

TEST_F(ProxyTest, OversizedReadLengthIsAViolation) {
  hostile([](Header* h, uint8_t*) {
    if (h->op == SYS_read) h->ret = static_cast<int64_t>(h->arg[2]) + 1;
  });
  ASSERT_EQ(::write(feed_, "secret", 6), 6);
  char buf[16];
  std::memset(buf, 'U', sizeof(buf));
  try {
    sys(SYS_read, 0, u(buf), sizeof(buf));
    FAIL() << "no violation";
  } catch (const ViolationThrown& v) {
    EXPECT_EQ(v.call, "read");
    EXPECT_EQ(v.check, "length larger than asked");
  }
  EXPECT_EQ(std::string(buf, sizeof(buf)), std::string(16, 'U'));
}

TEST_F(ProxyTest, OutOfRangeErrnoIsAViolation) {
  for (int64_t lie : {int64_t{-134}, int64_t{-4095}, INT64_MIN}) {
    hostile([lie](Header* h, uint8_t*) { h->ret = lie; });
    try {
      sys(SYS_fsync, kFile);
      FAIL() << "no violation for " << lie;
    } catch (const ViolationThrown& v) {
      EXPECT_EQ(v.call, "fsync");
      EXPECT_EQ(v.check, "errno out of range");
    }
  }
}

TEST_F(ProxyTest, BogusFdsAreViolations) {
  for (int64_t lie : {int64_t{1}, int64_t{kDir}, int64_t{kMaxFds}, int64_t{1} << 40}) {
    hostile([lie](Header* h, uint8_t*) {
      if (h->op == SYS_openat) h->ret = lie;
    });
    try {
      sys(SYS_openat, kDir, u("new"), O_CREAT | O_RDWR, 0600);
      FAIL() << "no violation for " << lie;
    } catch (const ViolationThrown& v) {
      EXPECT_EQ(v.call, "openat");
      EXPECT_EQ(v.check, lie < static_cast<int64_t>(kMaxFds) ? "new fd already open"
                                                             : "new fd out of range");
    }
  }
  // A duplicate below the number asked for.
  hostile([](Header* h, uint8_t*) {
    if (h->op == SYS_fcntl) h->ret = 50;
  });
  EXPECT_THROW(sys(SYS_fcntl, 1, F_DUPFD, 60), ViolationThrown);
}

TEST_F(ProxyTest, OversizeSockaddrLengthIsAViolation) {
  const int client = connect_client();
  hostile([](Header* h, uint8_t* block) {
    if (h->op != SYS_accept4) return;
    const uint32_t lie = 200;
    std::memcpy(block + h->arg[2], &lie, sizeof(lie));
  });
  sockaddr_storage peer;
  std::memset(&peer, 'U', sizeof(peer));
  socklen_t len = sizeof(peer);
  try {
    sys(SYS_accept4, kListener, u(&peer), u(&len), 0);
    FAIL() << "no violation";
  } catch (const ViolationThrown& v) {
    EXPECT_EQ(v.call, "accept4");
    EXPECT_EQ(v.check, "address length larger than given");  // the shim gave 128
  }
  EXPECT_EQ(len, sizeof(peer));
  EXPECT_EQ(reinterpret_cast<uint8_t*>(&peer)[0], 'U');
  ::close(client);
}

TEST_F(ProxyTest, FamilyLengthMismatchIsAViolation) {
  hostile([](Header* h, uint8_t* block) {
    if (h->op != SYS_getsockname) return;
    const uint16_t inet6 = AF_INET6;  // but only 16 bytes long
    std::memcpy(block + h->arg[1], &inet6, sizeof(inet6));
  });
  sockaddr_storage name{};
  socklen_t len = sizeof(name);
  EXPECT_THROW(sys(SYS_getsockname, kListener, u(&name), u(&len)), ViolationThrown);
}

TEST_F(ProxyTest, GarbageStatIsAViolation) {
  hostile([](Header* h, uint8_t* block) {
    if (h->op == SYS_newfstatat) std::memset(block + h->arg[2], 0xff, 144);
  });
  struct stat st;
  std::memset(&st, 'U', sizeof(st));
  try {
    sys(SYS_fstat, kFile, u(&st));
    FAIL() << "no violation";
  } catch (const ViolationThrown& v) {
    EXPECT_EQ(v.call, "fstat");
    EXPECT_EQ(v.check, "invalid file type");
  }
  EXPECT_EQ(reinterpret_cast<uint8_t*>(&st)[0], 'U');
}

TEST_F(ProxyTest, MalformedDirentsAreAViolation) {
  std::filesystem::create_directories(dir_ / "root" / "sub");
  hostile([](Header* h, uint8_t* block) {
    if (h->op == SYS_getdents64 && h->ret > 0) block[h->arg[1] + 16] = 3;  // d_reclen 3
  });
  alignas(8) uint8_t dents[1024];
  std::memset(dents, 'U', sizeof(dents));
  EXPECT_THROW(sys(SYS_getdents64, kDir, u(dents), sizeof(dents)), ViolationThrown);
  EXPECT_EQ(dents[0], 'U');
}

TEST_F(ProxyTest, LyingPollIsAViolation) {
  hostile([](Header* h, uint8_t* block) {
    if (h->op != SYS_ppoll) return;
    pollfd p;
    std::memcpy(&p, block + h->arg[0], sizeof(p));
    p.fd = 3;  // another descriptor than asked
    std::memcpy(block + h->arg[0], &p, sizeof(p));
  });
  pollfd fds[1] = {{1, POLLOUT, 0}};
  EXPECT_THROW(sys(SYS_poll, u(fds), 1, 0), ViolationThrown);
  EXPECT_EQ(fds[0].revents, 0);
}

TEST_F(ProxyTest, InvalidTimeIsAViolation) {
  hostile([](Header* h, uint8_t* block) {
    if (h->op != SYS_clock_gettime) return;
    const int64_t nsec = 1000000000;
    std::memcpy(block + h->arg[1] + 8, &nsec, sizeof(nsec));
  });
  timespec ts{};
  EXPECT_THROW(sys(SYS_clock_gettime, CLOCK_REALTIME, u(&ts)), ViolationThrown);
  EXPECT_EQ(ts.tv_nsec, 0);
}

TEST_F(ProxyTest, OversizedOptionLengthIsAViolation) {
  hostile([](Header* h, uint8_t* block) {
    if (h->op != SYS_getsockopt) return;
    const uint32_t lie = 64;
    std::memcpy(block + h->arg[4], &lie, sizeof(lie));
  });
  int value = 7;
  socklen_t len = sizeof(value);
  EXPECT_THROW(sys(SYS_getsockopt, kListener, SOL_SOCKET, SO_TYPE, u(&value), u(&len)),
               ViolationThrown);
  EXPECT_EQ(value, 7);
}

}  // namespace
}  // namespace cloister::sallyport
