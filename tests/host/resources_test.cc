// SPDX-License-Identifier: Apache-2.0
#include "host/resources.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace cloister::host {
namespace {

using config::FileEntry;
using config::FileKind;
using config::KeepConfig;

FileEntry entry(FileKind kind, std::string name = "") {
  FileEntry e;
  e.kind = kind;
  e.name = name.empty() ? std::string(config::file_kind_name(kind)) : std::move(name);
  return e;
}

FileEntry listen_entry(const std::string& addr, uint16_t port) {
  FileEntry e = entry(FileKind::Listen, "web");
  e.addr = addr;
  e.port = port;
  return e;
}

FileEntry connect_entry(const std::string& host, uint16_t port) {
  FileEntry e = entry(FileKind::Connect, "db");
  e.host = host;
  e.port = port;
  return e;
}

FileEntry dir_entry(const std::string& host_path) {
  FileEntry e = entry(FileKind::Dir, "/data");
  e.host_path = host_path;
  e.guest_path = "/data";
  return e;
}

KeepConfig config_of(std::vector<FileEntry> files) {
  KeepConfig c;
  c.files = std::move(files);
  return c;
}

bool is_cloexec(int fd) {
  return (::fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0;
}

sockaddr_in loopback(uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

uint16_t local_port(int fd) {
  sockaddr_storage a{};
  socklen_t len = sizeof a;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) return 0;
  if (a.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&a)->sin6_port);
  return ntohs(reinterpret_cast<sockaddr_in*>(&a)->sin_port);
}

// A bound (not listening) socket on 127.0.0.1 with a port the kernel chose.
UniqueFd bound_socket() {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in a = loopback(0);
  EXPECT_EQ(::bind(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  return fd;
}

// A port that was free a moment ago. Another process may take it before the
// test uses it, so callers retry a few times.
uint16_t free_port() {
  UniqueFd fd = bound_socket();
  return local_port(fd.get());
}

UniqueFd test_listener() {
  UniqueFd fd = bound_socket();
  EXPECT_EQ(::listen(fd.get(), 4), 0);
  return fd;
}

bool connect_ipv4(uint16_t port) {
  UniqueFd c(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in a = loopback(port);
  return ::connect(c.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
}

// Opens a listener on a free port, retrying when another process grabbed it.
Result<std::vector<UniqueFd>> open_listener_on_free_port(const std::string& addr, uint16_t* port) {
  Result<std::vector<UniqueFd>> r = fail("not tried");
  for (int attempt = 0; attempt < 10; ++attempt) {
    *port = free_port();
    r = open_resources(config_of({listen_entry(addr, *port)}));
    if (r || r.error().message().find("Address already in use") == std::string::npos) break;
  }
  return r;
}

TEST(OpenResources, EmptyConfigOpensNothing) {
  auto r = open_resources(config_of({}));
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_TRUE(r->empty());
}

TEST(OpenResources, NullIsReadableAndWritable) {
  auto r = open_resources(config_of({entry(FileKind::Null)}));
  ASSERT_TRUE(r) << r.error().message();
  ASSERT_EQ(r->size(), 1u);
  const int fd = (*r)[0].get();
  EXPECT_TRUE(is_cloexec(fd));
  EXPECT_EQ(::write(fd, "hello", 5), 5);
  char buf[4];
  EXPECT_EQ(::read(fd, buf, sizeof buf), 0);
  struct stat st {};
  ASSERT_EQ(::fstat(fd, &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode));
}

TEST(OpenResources, StdioAreDuplicatesOfTheHostsOwn) {
  for (int host_fd : {0, 1, 2}) {
    if (::fcntl(host_fd, F_GETFD) < 0) GTEST_SKIP() << "fd " << host_fd << " is not open here";
  }
  auto r = open_resources(
      config_of({entry(FileKind::Stdin), entry(FileKind::Stdout), entry(FileKind::Stderr)}));
  ASSERT_TRUE(r) << r.error().message();
  ASSERT_EQ(r->size(), 3u);
  for (int i = 0; i < 3; ++i) {
    const int fd = (*r)[i].get();
    EXPECT_GE(fd, 3);
    EXPECT_TRUE(is_cloexec(fd));
    struct stat mine {};
    struct stat host {};
    ASSERT_EQ(::fstat(fd, &mine), 0);
    ASSERT_EQ(::fstat(i, &host), 0);
    EXPECT_EQ(mine.st_dev, host.st_dev) << "fd " << i;
    EXPECT_EQ(mine.st_ino, host.st_ino) << "fd " << i;
  }
}

TEST(OpenResources, ListenOnIpv4Address) {
  uint16_t port = 0;
  auto r = open_listener_on_free_port("127.0.0.1", &port);
  ASSERT_TRUE(r) << r.error().message();
  const int fd = (*r)[0].get();
  EXPECT_TRUE(is_cloexec(fd));
  EXPECT_EQ(local_port(fd), port);
  int accepting = 0;
  socklen_t len = sizeof accepting;
  ASSERT_EQ(::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &len), 0);
  EXPECT_EQ(accepting, 1);
  ASSERT_TRUE(connect_ipv4(port));
  UniqueFd accepted(::accept4(fd, nullptr, nullptr, SOCK_CLOEXEC));
  EXPECT_TRUE(accepted.valid());
}

TEST(OpenResources, ListenOnAnyAddressAcceptsIpv4Clients) {
  UniqueFd probe(::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!probe) GTEST_SKIP() << "no IPv6 on this host";
  uint16_t port = 0;
  auto r = open_listener_on_free_port("::", &port);
  ASSERT_TRUE(r) << r.error().message();
  const int fd = (*r)[0].get();
  int v6only = 1;
  socklen_t len = sizeof v6only;
  ASSERT_EQ(::getsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, &len), 0);
  EXPECT_EQ(v6only, 0);
  ASSERT_TRUE(connect_ipv4(port)) << "an IPv4 client could not reach [::]:" << port;
  UniqueFd accepted(::accept4(fd, nullptr, nullptr, SOCK_CLOEXEC));
  EXPECT_TRUE(accepted.valid());
}

TEST(OpenResources, ListenOnABusyPortNamesTheEntryAndAddress) {
  UniqueFd busy = test_listener();
  const uint16_t port = local_port(busy.get());
  auto r = open_resources(config_of({entry(FileKind::Null), listen_entry("127.0.0.1", port)}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "files[1] (listen \"web\"): bind 127.0.0.1:" +
                                     std::to_string(port) + ": Address already in use");
}

TEST(OpenResources, ListenOnAnUnresolvableAddress) {
  auto r = open_resources(config_of({listen_entry("no-such-host.invalid", 8080)}));
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().message().starts_with(
      "files[0] (listen \"web\"): cannot resolve no-such-host.invalid:8080: "))
      << r.error().message();
}

TEST(OpenResources, ConnectReachesTheListener) {
  UniqueFd server = test_listener();
  const uint16_t port = local_port(server.get());
  auto r = open_resources(config_of({connect_entry("127.0.0.1", port)}));
  ASSERT_TRUE(r) << r.error().message();
  const int fd = (*r)[0].get();
  EXPECT_TRUE(is_cloexec(fd));
  UniqueFd accepted(::accept4(server.get(), nullptr, nullptr, SOCK_CLOEXEC));
  ASSERT_TRUE(accepted.valid());
  ASSERT_EQ(::write(fd, "ping", 4), 4);
  char buf[4];
  ASSERT_EQ(::read(accepted.get(), buf, sizeof buf), 4);
  EXPECT_EQ(std::string(buf, 4), "ping");
}

TEST(OpenResources, ConnectByHostName) {
  UniqueFd server = test_listener();
  const uint16_t port = local_port(server.get());
  // "localhost" may resolve to ::1 first; the IPv4 listener must still be
  // reached through the next address.
  auto r = open_resources(config_of({connect_entry("localhost", port)}));
  ASSERT_TRUE(r) << r.error().message();
  UniqueFd accepted(::accept4(server.get(), nullptr, nullptr, SOCK_CLOEXEC));
  EXPECT_TRUE(accepted.valid());
}

TEST(OpenResources, ConnectRefused) {
  // Bound but not listening: connections to it are refused, and nobody else
  // can take the port while we hold it.
  UniqueFd closed = bound_socket();
  const uint16_t port = local_port(closed.get());
  const std::string p = std::to_string(port);
  auto r = open_resources(config_of({connect_entry("127.0.0.1", port)}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "files[0] (connect \"db\"): connect to 127.0.0.1:" + p +
                                     " failed (127.0.0.1:" + p + ": Connection refused)");
}

class OpenDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "cloister-resources-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(OpenDirTest, OpensADirectory) {
  std::ofstream(dir_ / "hello.txt") << "hi";
  auto r = open_resources(config_of({dir_entry(dir_.string())}));
  ASSERT_TRUE(r) << r.error().message();
  const int fd = (*r)[0].get();
  EXPECT_TRUE(is_cloexec(fd));
  struct stat st {};
  ASSERT_EQ(::fstatat(fd, "hello.txt", &st, 0), 0);
  EXPECT_EQ(st.st_size, 2);
}

TEST_F(OpenDirTest, MissingDirectory) {
  const std::string missing = (dir_ / "missing").string();
  auto r = open_resources(config_of({entry(FileKind::Stdout), dir_entry(missing)}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(),
            "files[1] (dir \"/data\"): open directory " + missing + ": No such file or directory");
}

TEST_F(OpenDirTest, HostPathIsAFile) {
  const std::string file = (dir_ / "file").string();
  std::ofstream(file) << "x";
  auto r = open_resources(config_of({dir_entry(file)}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(),
            "files[0] (dir \"/data\"): host path " + file + " is not a directory");
}

TEST_F(OpenDirTest, UnreadableDirectory) {
  if (::geteuid() == 0) GTEST_SKIP() << "root can open any directory";
  const auto locked = dir_ / "locked";
  std::filesystem::create_directory(locked);
  std::filesystem::permissions(locked, std::filesystem::perms::none);
  auto r = open_resources(config_of({dir_entry(locked.string())}));
  std::filesystem::permissions(locked, std::filesystem::perms::owner_all);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(),
            "files[0] (dir \"/data\"): open directory " + locked.string() + ": Permission denied");
}

TEST_F(OpenDirTest, DescriptorsComeInConfigOrder) {
  UniqueFd server = test_listener();
  const uint16_t port = local_port(server.get());
  auto r = open_resources(config_of(
      {dir_entry(dir_.string()), entry(FileKind::Null), connect_entry("127.0.0.1", port)}));
  ASSERT_TRUE(r) << r.error().message();
  ASSERT_EQ(r->size(), 3u);
  struct stat st {};
  ASSERT_EQ(::fstat((*r)[0].get(), &st), 0);
  EXPECT_TRUE(S_ISDIR(st.st_mode));
  ASSERT_EQ(::fstat((*r)[1].get(), &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode));
  ASSERT_EQ(::fstat((*r)[2].get(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
}

}  // namespace
}  // namespace cloister::host
