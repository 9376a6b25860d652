// SPDX-License-Identifier: Apache-2.0
//
// Opening what a Cloister.toml grants. Everything here happens on the host,
// before the keep starts: the keep only ever receives descriptors.
#include "host/resources.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <string>

namespace cloister::host {

namespace {

using config::FileEntry;
using config::FileKind;

// The kernel caps this at net.core.somaxconn anyway.
constexpr int kListenBacklog = 128;

// "files[3] (listen \"web\")", the prefix of every error about one entry.
std::string describe(size_t index, const FileEntry& e) {
  std::string out =
      "files[" + std::to_string(index) + "] (" + std::string(config::file_kind_name(e.kind));
  if (!e.name.empty()) out += " \"" + e.name + "\"";
  return out + ")";
}

std::string errno_text(int err) {
  return std::strerror(err);
}

// "[::1]:80" or "127.0.0.1:80".
std::string format_address(const sockaddr* addr, socklen_t len) {
  char host[NI_MAXHOST];
  char serv[NI_MAXSERV];
  if (getnameinfo(addr, len, host, sizeof host, serv, sizeof serv,
                  NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
    return "<unprintable address>";
  }
  if (addr->sa_family == AF_INET6) return "[" + std::string(host) + "]:" + serv;
  return std::string(host) + ":" + serv;
}

// "host:port" as written in the config, bracketing IPv6 literals.
std::string format_endpoint(const std::string& host, uint16_t port) {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

struct AddrInfoDeleter {
  void operator()(addrinfo* ai) const { freeaddrinfo(ai); }
};
using AddrInfoList = std::unique_ptr<addrinfo, AddrInfoDeleter>;

Result<AddrInfoList> resolve(const std::string& host, uint16_t port, bool passive) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_protocol = IPPROTO_TCP;
  hints.ai_flags = AI_NUMERICSERV | (passive ? AI_PASSIVE : 0);
  addrinfo* list = nullptr;
  const std::string service = std::to_string(port);
  const int rc = getaddrinfo(host.c_str(), service.c_str(), &hints, &list);
  if (rc != 0) {
    std::string why = rc == EAI_SYSTEM ? errno_text(errno) : std::string(gai_strerror(rc));
    return fail("cannot resolve ", format_endpoint(host, port), ": ", why);
  }
  return AddrInfoList(list);
}

bool is_ipv6_unspecified(const addrinfo* ai) {
  if (ai->ai_family != AF_INET6) return false;
  const auto* a = reinterpret_cast<const sockaddr_in6*>(ai->ai_addr);
  return IN6_IS_ADDR_UNSPECIFIED(&a->sin6_addr);
}

Result<UniqueFd> open_null() {
  UniqueFd fd(::open("/dev/null", O_RDWR | O_CLOEXEC));
  if (!fd) return fail("open /dev/null: ", errno_text(errno));
  return fd;
}

Result<UniqueFd> dup_stdio(int which) {
  UniqueFd fd(::fcntl(which, F_DUPFD_CLOEXEC, 3));
  if (!fd) return fail("duplicate the host's fd ", which, ": ", errno_text(errno));
  return fd;
}

// Binds the first address of `addr` that works and listens on it.
Result<UniqueFd> open_listener(const FileEntry& e) {
  CLOISTER_TRY_ASSIGN(AddrInfoList list, resolve(e.addr, e.port, true));
  std::string last_error = "no addresses";
  for (const addrinfo* ai = list.get(); ai != nullptr; ai = ai->ai_next) {
    const std::string where = format_address(ai->ai_addr, ai->ai_addrlen);
    UniqueFd fd(::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol));
    if (!fd) {
      last_error = "socket for " + where + ": " + errno_text(errno);
      continue;
    }
    // Restarting a server must not wait for TIME_WAIT connections to expire.
    const int one = 1;
    if (::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0)
      return fail("setsockopt SO_REUSEADDR on ", where, ": ", errno_text(errno));
    // "::" means every address: accept IPv4 clients too (as IPv4-mapped
    // addresses), whatever the host's net.ipv6.bindv6only default is.
    if (is_ipv6_unspecified(ai)) {
      const int zero = 0;
      if (::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero) != 0)
        return fail("setsockopt IPV6_V6ONLY on ", where, ": ", errno_text(errno));
    }
    if (::bind(fd.get(), ai->ai_addr, ai->ai_addrlen) != 0) {
      last_error = "bind " + where + ": " + errno_text(errno);
      continue;
    }
    if (::listen(fd.get(), kListenBacklog) != 0) {
      last_error = "listen on " + where + ": " + errno_text(errno);
      continue;
    }
    return fd;
  }
  return fail(last_error);
}

// Connects (blocking) to the first address of `host` that accepts.
Result<UniqueFd> open_connection(const FileEntry& e) {
  CLOISTER_TRY_ASSIGN(AddrInfoList list, resolve(e.host, e.port, false));
  std::string errors;
  for (const addrinfo* ai = list.get(); ai != nullptr; ai = ai->ai_next) {
    const std::string where = format_address(ai->ai_addr, ai->ai_addrlen);
    UniqueFd fd(::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol));
    int rc = fd ? 0 : -1;
    if (rc == 0) {
      do {
        rc = ::connect(fd.get(), ai->ai_addr, ai->ai_addrlen);
      } while (rc != 0 && errno == EINTR);
    }
    if (rc == 0) return fd;
    errors += (errors.empty() ? "" : "; ") + where + ": " + errno_text(errno);
  }
  return fail("connect to ", format_endpoint(e.host, e.port), " failed (", errors, ")");
}

Result<UniqueFd> open_directory(const FileEntry& e) {
  UniqueFd fd(::open(e.host_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd) {
    const int err = errno;
    if (err == ENOTDIR) return fail("host path ", e.host_path, " is not a directory");
    return fail("open directory ", e.host_path, ": ", errno_text(err));
  }
  return fd;
}

Result<UniqueFd> open_entry(const FileEntry& e) {
  switch (e.kind) {
    case FileKind::Null:
      return open_null();
    case FileKind::Stdin:
      return dup_stdio(STDIN_FILENO);
    case FileKind::Stdout:
      return dup_stdio(STDOUT_FILENO);
    case FileKind::Stderr:
      return dup_stdio(STDERR_FILENO);
    case FileKind::Listen:
      if (e.prot != config::Protocol::Tcp) return fail("only prot = \"tcp\" is supported");
      return open_listener(e);
    case FileKind::Connect:
      if (e.prot != config::Protocol::Tcp) return fail("only prot = \"tcp\" is supported");
      return open_connection(e);
    case FileKind::Dir:
      return open_directory(e);
  }
  return fail("unknown file kind");
}

}  // namespace

Result<std::vector<UniqueFd>> open_resources(const config::KeepConfig& config) {
  std::vector<UniqueFd> fds;
  fds.reserve(config.files.size());
  for (size_t i = 0; i < config.files.size(); ++i) {
    auto fd = open_entry(config.files[i]);
    if (!fd) return Unexpected(fd.error().with_context(describe(i, config.files[i])));
    fds.push_back(std::move(*fd));
  }
  return fds;
}

}  // namespace cloister::host
