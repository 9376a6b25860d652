// SPDX-License-Identifier: Apache-2.0
//
// sock_accept / sock_recv / sock_send / sock_shutdown on the sockets the host
// granted (Cloister.toml `listen` and `connect` entries) and the connections
// accepted from them. Preview 1 has no way to create or bind sockets, so
// these four are all a module can do with the network.
#include <sys/socket.h>

#include <cerrno>
#include <utility>

#include "wasi/call.h"
#include "wasi/host_conv.h"
#include "wasi/iovec.h"

namespace cloister::wasi {
namespace {

bool is_socket(const FdEntry& e) {
  return e.type == Filetype::SocketStream || e.type == Filetype::SocketDgram;
}

// The socket at `fd`: Badf when not open, NotSock when open but not a socket
// (checked before the rights, which a non-socket never has), NotCapable
// without `required`.
ErrnoOr<FdEntry*> get_socket(FdTable& fds, uint32_t fd, uint64_t required) {
  FdEntry* e = fds.find(fd);
  if (e == nullptr) return Errno::Badf;
  if (!is_socket(*e)) return Errno::NotSock;
  return fds.get(fd, required);
}

// sock_accept(fd, fdflags, *new_fd)
wasm::Outcome<Errno> sock_accept(WasiCall& c) {
  const uint32_t fd = c.u32(0);
  const uint32_t flags = c.u32(1);
  const uint32_t new_fd_ptr = c.u32(2);
  // Only nonblocking makes sense for a new connection.
  if ((flags & ~uint32_t{kFdflagNonblock}) != 0) return Errno::Inval;
  WASI_TRY_ASSIGN(FdEntry * listener, get_socket(c.ctx.fds(), fd, rights::kSockAccept));
  // Checked before accepting, so a bad pointer does not drop a connection.
  if (!c.mem.in_bounds(new_fd_ptr, 4)) return Errno::Fault;
  int accept_flags = SOCK_CLOEXEC;
  if ((flags & kFdflagNonblock) != 0) accept_flags |= SOCK_NONBLOCK;
  int host = -1;
  do {
    host = ::accept4(listener->host.get(), nullptr, nullptr, accept_flags);
  } while (host < 0 && errno == EINTR);
  if (host < 0) return last_errno();

  FdEntry conn;
  conn.host.reset(host);
  conn.type = Filetype::SocketStream;
  // A connection can do what the listener passes on, minus accepting.
  conn.rights_base = listener->rights_inheriting & rights::kSocket & ~rights::kSockAccept;
  conn.rights_inheriting = conn.rights_base;
  // Insert fails with Mfile when the table is full; `conn` then closes the
  // accepted socket.
  WASI_TRY_ASSIGN(const uint32_t new_fd, c.ctx.fds().insert(std::move(conn)));
  return c.mem.store<uint32_t>(new_fd_ptr, new_fd);
}

// sock_recv(fd, ri_data, ri_data_len, riflags, *ro_datalen, *roflags)
wasm::Outcome<Errno> sock_recv(WasiCall& c) {
  const uint32_t fd = c.u32(0);
  const uint32_t iovs_ptr = c.u32(1);
  const uint32_t iovs_len = c.u32(2);
  const uint32_t ri_flags = c.u32(3);
  const uint32_t datalen_ptr = c.u32(4);
  const uint32_t roflags_ptr = c.u32(5);
  if ((ri_flags & ~uint32_t{kRiRecvPeek | kRiRecvWaitall}) != 0) return Errno::Inval;
  WASI_TRY_ASSIGN(FdEntry * sock, get_socket(c.ctx.fds(), fd, rights::kFdRead));
  WASI_TRY_ASSIGN(std::vector<struct iovec> iovs, gather_iovecs(c.mem, iovs_ptr, iovs_len));
  // Checked before receiving, so a bad pointer does not lose data.
  if (!c.mem.in_bounds(datalen_ptr, 4) || !c.mem.in_bounds(roflags_ptr, 2)) return Errno::Fault;

  struct msghdr msg {};
  msg.msg_iov = iovs.data();
  msg.msg_iovlen = iovs.size();
  int flags = 0;
  if ((ri_flags & kRiRecvPeek) != 0) flags |= MSG_PEEK;
  if ((ri_flags & kRiRecvWaitall) != 0) flags |= MSG_WAITALL;
  ssize_t n = -1;
  do {
    n = ::recvmsg(sock->host.get(), &msg, flags);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return last_errno();

  // A datagram longer than the buffers was cut short (MSG_TRUNC in msg_flags).
  const uint16_t roflags = (msg.msg_flags & MSG_TRUNC) != 0 ? kRoRecvDataTruncated : 0;
  WASI_CHECK(c.mem.store<uint32_t>(datalen_ptr, static_cast<uint32_t>(n)));
  return c.mem.store<uint16_t>(roflags_ptr, roflags);
}

// sock_send(fd, si_data, si_data_len, siflags, *so_datalen)
wasm::Outcome<Errno> sock_send(WasiCall& c) {
  const uint32_t fd = c.u32(0);
  const uint32_t iovs_ptr = c.u32(1);
  const uint32_t iovs_len = c.u32(2);
  const uint32_t si_flags = c.u32(3);
  const uint32_t datalen_ptr = c.u32(4);
  // siflags has no flags defined.
  if (si_flags != 0) return Errno::Inval;
  WASI_TRY_ASSIGN(FdEntry * sock, get_socket(c.ctx.fds(), fd, rights::kFdWrite));
  WASI_TRY_ASSIGN(std::vector<struct iovec> iovs, gather_iovecs(c.mem, iovs_ptr, iovs_len));
  if (!c.mem.in_bounds(datalen_ptr, 4)) return Errno::Fault;

  struct msghdr msg {};
  msg.msg_iov = iovs.data();
  msg.msg_iovlen = iovs.size();
  ssize_t n = -1;
  do {
    // MSG_NOSIGNAL: a peer that went away is EPIPE for the module, not a
    // SIGPIPE that would kill the keep.
    n = ::sendmsg(sock->host.get(), &msg, MSG_NOSIGNAL);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return last_errno();
  return c.mem.store<uint32_t>(datalen_ptr, static_cast<uint32_t>(n));
}

// sock_shutdown(fd, sdflags)
wasm::Outcome<Errno> sock_shutdown(WasiCall& c) {
  const uint32_t fd = c.u32(0);
  const uint32_t how = c.u32(1);
  int linux_how = 0;
  switch (how) {
    case kSdRd:
      linux_how = SHUT_RD;
      break;
    case kSdWr:
      linux_how = SHUT_WR;
      break;
    case kSdRd | kSdWr:
      linux_how = SHUT_RDWR;
      break;
    default:  // nothing to shut down, or undefined bits
      return Errno::Inval;
  }
  WASI_TRY_ASSIGN(FdEntry * sock, get_socket(c.ctx.fds(), fd, rights::kSockShutdown));
  if (::shutdown(sock->host.get(), linux_how) != 0) return last_errno();
  return Errno::Success;
}

}  // namespace

void register_sock(WasiRegistry& r) {
  r.add("sock_accept", "iii", &sock_accept);
  r.add("sock_recv", "iiiiii", &sock_recv);
  r.add("sock_send", "iiiii", &sock_send);
  r.add("sock_shutdown", "ii", &sock_shutdown);
}

}  // namespace cloister::wasi
