// SPDX-License-Identifier: Apache-2.0
//
// Calls on sockets the host opened because Cloister.toml said so: the keep
// can neither create a socket nor bind, listen or connect one (those calls
// are not in the table, so they get ENOSYS), only use and accept on what it
// was given. No call carries an address towards the host.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "host/sallyport/calls.h"

namespace cloister::host::sallyport {
namespace {

// The largest socket address a call returns (sockaddr_storage).
constexpr uint32_t kMaxAddrLen = 128;
static_assert(sizeof(sockaddr_storage) == kMaxAddrLen);

// The int-valued options a keep may read, and the subset it may set.
bool readable_option(uint64_t level, uint64_t name) {
  if (level == SOL_SOCKET) {
    switch (name) {
      case SO_TYPE:
      case SO_ERROR:
      case SO_DOMAIN:
      case SO_ACCEPTCONN:
      case SO_RCVBUF:
      case SO_SNDBUF:
      case SO_KEEPALIVE:
        return true;
      default:
        return false;
    }
  }
  return level == IPPROTO_TCP && name == TCP_NODELAY;
}

bool writable_option(uint64_t level, uint64_t name) {
  if (level == SOL_SOCKET) return name == SO_KEEPALIVE || name == SO_RCVBUF || name == SO_SNDBUF;
  return level == IPPROTO_TCP && name == TCP_NODELAY;
}

// An (addr, addrlen) pair of a call that returns an address: addrlen is a
// u32 the guest set to its buffer's size (at most kMaxAddrLen), and addr
// must hold that many bytes. Returns 0 or -errno; *given is the size.
int64_t check_addr_out(const Call& c, uint64_t addr, uint64_t len_ptr, uint32_t* given) {
  if (!c.block.copy_in(len_ptr, given, sizeof(*given))) return -EFAULT;
  if (*given > kMaxAddrLen) return -EINVAL;
  if (!Block::in_data(addr, *given)) return -EFAULT;
  return 0;
}

// Writes a returned address as Linux does: at most the given size of it,
// and its real length into addrlen.
void write_addr_out(const Call& c, uint64_t addr, uint64_t len_ptr, uint32_t given,
                    const sockaddr_storage& sa, socklen_t real) {
  c.block.copy_out(addr, &sa, real < given ? real : given);
  const uint32_t len = real;
  c.block.copy_out(len_ptr, &len, sizeof(len));
}

int64_t get_name(Call& c, bool peer) {
  const int fd = c.fds.host(c.arg[0]);
  if (fd < 0) return -EBADF;
  uint32_t given;
  if (const int64_t e = check_addr_out(c, c.arg[1], c.arg[2], &given)) return e;
  sockaddr_storage sa{};
  socklen_t len = sizeof(sa);
  auto* p = reinterpret_cast<sockaddr*>(&sa);
  if ((peer ? ::getpeername(fd, p, &len) : ::getsockname(fd, p, &len)) != 0) return neg_errno();
  write_addr_out(c, c.arg[1], c.arg[2], given, sa, len);
  return 0;
}

}  // namespace

int64_t sys_sendto(Call& c) {
  const int fd = c.fds.host(c.arg[0]);
  if (fd < 0) return -EBADF;
  // MSG_NOSIGNAL is what the host adds anyway; a keep may say it too.
  if ((c.arg[3] & ~uint64_t{MSG_DONTWAIT | MSG_NOSIGNAL}) != 0) return -EINVAL;
  if (c.arg[4] != kNull || c.arg[5] != 0) return -EINVAL;  // no address
  const uint8_t* buf = c.block.span(c.arg[1], c.arg[2]);
  if (buf == nullptr) return -EFAULT;
  // A peer that went away is EPIPE for the keep, never a SIGPIPE for the VMM.
  return reply_of(::send(fd, buf, c.arg[2], static_cast<int>(c.arg[3]) | MSG_NOSIGNAL));
}

int64_t sys_recvfrom(Call& c) {
  const int fd = c.fds.host(c.arg[0]);
  if (fd < 0) return -EBADF;
  if ((c.arg[3] & ~uint64_t{MSG_PEEK | MSG_WAITALL | MSG_DONTWAIT}) != 0) return -EINVAL;
  if (c.arg[4] != kNull || c.arg[5] != kNull) return -EINVAL;  // no address
  uint8_t* buf = c.block.span(c.arg[1], c.arg[2]);
  if (buf == nullptr) return -EFAULT;
  return reply_of(::recv(fd, buf, c.arg[2], static_cast<int>(c.arg[3])));
}

int64_t sys_shutdown(Call& c) {
  const int fd = c.fds.host(c.arg[0]);
  if (fd < 0) return -EBADF;
  if (c.arg[1] > SHUT_RDWR) return -EINVAL;
  return reply_of(::shutdown(fd, static_cast<int>(c.arg[1])));
}

int64_t sys_getsockname(Call& c) {
  return get_name(c, false);
}

int64_t sys_getpeername(Call& c) {
  return get_name(c, true);
}

int64_t sys_setsockopt(Call& c) {
  const int fd = c.fds.host(c.arg[0]);
  if (fd < 0) return -EBADF;
  if (!writable_option(c.arg[1], c.arg[2]) || c.arg[4] != sizeof(int)) return -EINVAL;
  int value;
  if (!c.block.copy_in(c.arg[3], &value, sizeof(value))) return -EFAULT;
  return reply_of(::setsockopt(fd, static_cast<int>(c.arg[1]), static_cast<int>(c.arg[2]), &value,
                               sizeof(value)));
}

int64_t sys_getsockopt(Call& c) {
  const int fd = c.fds.host(c.arg[0]);
  if (fd < 0) return -EBADF;
  if (!readable_option(c.arg[1], c.arg[2])) return -EINVAL;
  uint32_t given;
  if (!c.block.copy_in(c.arg[4], &given, sizeof(given))) return -EFAULT;
  // Every allowed option is an int; Linux copies at most that much.
  const uint32_t want = given < sizeof(int) ? given : sizeof(int);
  if (!Block::in_data(c.arg[3], want)) return -EFAULT;
  int value = 0;
  socklen_t len = want;
  if (::getsockopt(fd, static_cast<int>(c.arg[1]), static_cast<int>(c.arg[2]), &value, &len) != 0) {
    return neg_errno();
  }
  if (len > want) len = want;
  c.block.copy_out(c.arg[3], &value, len);
  const uint32_t out_len = len;
  c.block.copy_out(c.arg[4], &out_len, sizeof(out_len));
  return 0;
}

int64_t sys_accept4(Call& c) {
  const int fd = c.fds.host(c.arg[0]);
  if (fd < 0) return -EBADF;
  const uint64_t flags = c.arg[3];
  if ((flags & ~uint64_t{SOCK_NONBLOCK | SOCK_CLOEXEC}) != 0) return -EINVAL;
  const bool want_addr = c.arg[1] != kNull;
  uint32_t given = 0;
  if (want_addr) {
    if (const int64_t e = check_addr_out(c, c.arg[1], c.arg[2], &given)) return e;
  }
  // Everything is checked before the connection is taken, so a bad request
  // or a full table never loses one.
  if (!c.fds.has_free()) return -EMFILE;
  sockaddr_storage sa{};
  socklen_t len = sizeof(sa);
  UniqueFd conn(::accept4(fd, reinterpret_cast<sockaddr*>(&sa), &len,
                          SOCK_CLOEXEC | static_cast<int>(flags & SOCK_NONBLOCK)));
  if (!conn) return neg_errno();
  if (want_addr) write_addr_out(c, c.arg[1], c.arg[2], given, sa, len);
  return c.fds.add(std::move(conn), (flags & SOCK_CLOEXEC) != 0, false);
}

}  // namespace cloister::host::sallyport
