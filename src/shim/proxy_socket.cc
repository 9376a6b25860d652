// SPDX-License-Identifier: Apache-2.0
//
// Socket calls through the sallyport, on the sockets the host opened for the
// keep (it makes none of its own). Messages carry no control data and no
// addresses: recvmsg/sendmsg become recvfrom/sendto. Addresses coming back
// (accept4, getsockname, getpeername) are checked before the program sees
// them, then handed over with Linux's truncation rules.
#include <asm/unistd_64.h>

#include "shim/fd_record.h"
#include "shim/proxy_request.h"
#include "shim/user_access.h"

namespace cloister::shim::proxy {
namespace {

// Linux's MSG_* values (kernel-internal headers only). The host adds
// MSG_NOSIGNAL itself; MSG_CMSG_CLOEXEC only matters for control data.
constexpr uint64_t kMsgNoSignal = 0x4000;
constexpr uint64_t kMsgCmsgCloexec = 0x40000000;

// Options are ints in practice; this bounds what the shim copies.
constexpr uint64_t kMaxOptLen = 256;

// struct msghdr field offsets (x86-64).
struct MsgHdr {
  uint64_t name;
  uint32_t namelen;
  uint32_t pad;
  uint64_t iov;
  uint64_t iovlen;
  uint64_t control;
  uint64_t controllen;
  int32_t flags;
  int32_t pad2;
};
static_assert(sizeof(MsgHdr) == 56);

uint64_t clamp(uint64_t n, uint64_t max) {
  return n < max ? n : max;
}

// An address the host will return: the host always gets a whole
// sockaddr_storage (so its answer never depends on the program's buffer);
// the shim truncates to the program's length afterwards, as Linux does.
struct AddrOut {
  uint64_t user_addr = 0;
  uint64_t user_len = 0;
  uint32_t cap = 0;           // the program's buffer length
  uint64_t addr = sp::kNull;  // block offsets, kNull if no address is wanted
  uint64_t len = sp::kNull;
};

int64_t addr_prepare(Request& req, uint64_t user_addr, uint64_t user_len, AddrOut* out) {
  out->user_addr = user_addr;
  out->user_len = user_len;
  if (user_addr == 0) return 0;
  int32_t cap = 0;
  if (!copy_from_user(&cap, user_len, sizeof(cap))) return -EFAULT;
  if (cap < 0) return -EINVAL;
  out->cap = static_cast<uint32_t>(cap);
  out->addr = req.reserve(sp::kSockaddrStorageSize);
  const uint32_t given = sp::kSockaddrStorageSize;
  out->len = req.put(&given, sizeof(given));
  return 0;
}

// Checks the returned address and gives it to the program. 0 or -EFAULT.
int64_t addr_finish(const Request& req, const AddrOut& out) {
  if (out.user_addr == 0) return 0;
  uint32_t len = 0;
  req.take(&len, out.len, sizeof(len));
  uint8_t addr[sp::kSockaddrStorageSize];
  const uint64_t have = clamp(len, sizeof(addr));
  req.take(addr, out.addr, have);
  require(req.name(), sp::check_sockaddr(addr, len, sp::kSockaddrStorageSize));
  const uint64_t n = clamp(len, out.cap);
  if (n != 0 && !copy_to_user(out.user_addr, addr, n)) return -EFAULT;
  if (!copy_to_user(out.user_len, &len, sizeof(len))) return -EFAULT;
  return 0;
}

// For connected stream sockets recvfrom/recvmsg report no source address.
int64_t no_source_address(uint64_t user_len) {
  const uint32_t zero = 0;
  if (user_len != 0 && !copy_to_user(user_len, &zero, sizeof(zero))) return -EFAULT;
  return 0;
}

int64_t recv_into(Request& req, uint64_t fd, uint64_t n, uint64_t flags, uint64_t* data) {
  *data = req.reserve(n);
  const int64_t ret = req.call(__NR_recvfrom, fd, *data, n,
                               flags & ~(kMsgNoSignal | kMsgCmsgCloexec), sp::kNull, sp::kNull);
  require(req.name(), sp::check_length(ret, n));
  return ret;
}

int64_t send_from(Request& req, uint64_t fd, uint64_t data, uint64_t n, uint64_t flags) {
  const int64_t ret = req.call(__NR_sendto, fd, data, n, flags & ~kMsgNoSignal, sp::kNull, 0);
  require(req.name(), sp::check_length(ret, n));
  return ret;
}

}  // namespace

// accept(fd, addr, addrlen) / accept4(fd, addr, addrlen, flags)
int64_t accept4(const uint64_t a[6], bool has_flags) {
  const char* call = has_flags ? "accept4" : "accept";
  Request req(call);
  AddrOut addr;
  if (int64_t r = addr_prepare(req, a[1], a[2], &addr); r < 0) return r;
  const int64_t ret =
      req.call(__NR_accept4, fd_arg(a[0]), addr.addr, addr.len, has_flags ? int_arg(a[3]) : 0);
  require(call, sp::check_new_fd(ret, fd_record()));
  if (ret < 0) return ret;
  fd_record_add(static_cast<uint64_t>(ret));
  if (addr_finish(req, addr) < 0) {
    // Linux closes the new connection when the address cannot be stored.
    Request undo("close");
    require("close", sp::check_zero(undo.call(__NR_close, static_cast<uint64_t>(ret))));
    fd_record_remove(static_cast<uint64_t>(ret));
    return -EFAULT;
  }
  return ret;
}

// recvfrom(fd, buf, len, flags, src_addr, addrlen)
int64_t recvfrom(const uint64_t a[6]) {
  Request req("recvfrom");
  uint64_t data = 0;
  const int64_t ret = recv_into(req, fd_arg(a[0]), clamp(a[2], req.room()), int_arg(a[3]), &data);
  if (ret < 0) return ret;
  if (ret > 0 && !copy_to_user(a[1], req.at(data), static_cast<uint64_t>(ret))) return -EFAULT;
  if (a[4] != 0) {
    if (int64_t r = no_source_address(a[5]); r < 0) return r;
  }
  return ret;
}

// sendto(fd, buf, len, flags, dest_addr, addrlen): the address is ignored, as
// it is on a connected stream socket.
int64_t sendto(const uint64_t a[6]) {
  Request req("sendto");
  const uint64_t n = clamp(a[2], req.room());
  const uint64_t data = req.reserve(n);
  if (n != 0 && !copy_from_user(req.at(data), a[1], n)) return -EFAULT;
  return send_from(req, fd_arg(a[0]), data, n, int_arg(a[3]));
}

// recvmsg(fd, msg, flags): one recvfrom into the iovecs; no control data
// (msg_controllen becomes 0), no source address, no flags.
int64_t recvmsg(const uint64_t a[6]) {
  MsgHdr msg;
  if (!copy_from_user(&msg, a[1], sizeof(msg))) return -EFAULT;
  if (msg.iovlen > static_cast<uint64_t>(kMaxIov)) return -EMSGSIZE;
  IovList iov;
  if (int64_t r = iov.load(msg.iov, static_cast<int64_t>(msg.iovlen)); r < 0) return r;
  Request req("recvmsg");
  uint64_t data = 0;
  const int64_t ret =
      recv_into(req, fd_arg(a[0]), clamp(iov.total(), req.room()), int_arg(a[2]), &data);
  if (ret < 0) return ret;
  const int64_t placed = iov.scatter(req.at(data), static_cast<uint64_t>(ret));
  if (placed < 0) return placed;
  if (msg.name != 0) msg.namelen = 0;
  msg.controllen = 0;
  msg.flags = 0;
  if (!copy_to_user(a[1], &msg, sizeof(msg))) return -EFAULT;
  return placed;
}

// sendmsg(fd, msg, flags): the iovecs gathered into one sendto. Control data
// (descriptor passing, credentials) has no meaning across the sallyport.
int64_t sendmsg(const uint64_t a[6]) {
  MsgHdr msg;
  if (!copy_from_user(&msg, a[1], sizeof(msg))) return -EFAULT;
  if (msg.controllen != 0) return -EINVAL;
  if (msg.iovlen > static_cast<uint64_t>(kMaxIov)) return -EMSGSIZE;
  IovList iov;
  if (int64_t r = iov.load(msg.iov, static_cast<int64_t>(msg.iovlen)); r < 0) return r;
  Request req("sendmsg");
  const uint64_t limit = clamp(iov.total(), req.room());
  const uint64_t data = req.reserve(limit);
  const int64_t n = iov.gather(req.at(data), limit);
  if (n < 0) return n;
  return send_from(req, fd_arg(a[0]), data, static_cast<uint64_t>(n), int_arg(a[2]));
}

// shutdown(fd, how)
int64_t shutdown(const uint64_t a[6]) {
  Request req("shutdown");
  const int64_t ret = req.call(__NR_shutdown, fd_arg(a[0]), int_arg(a[1]));
  require("shutdown", sp::check_zero(ret));
  return ret;
}

// getsockopt(fd, level, name, optval, optlen)
int64_t getsockopt(const uint64_t a[6]) {
  int32_t cap = 0;
  if (!copy_from_user(&cap, a[4], sizeof(cap))) return -EFAULT;
  if (cap < 0) return -EINVAL;
  const uint32_t given = static_cast<uint32_t>(clamp(static_cast<uint64_t>(cap), kMaxOptLen));
  Request req("getsockopt");
  const uint64_t val = req.reserve(given);
  const uint64_t len = req.put(&given, sizeof(given));
  const int64_t ret =
      req.call(__NR_getsockopt, fd_arg(a[0]), int_arg(a[1]), int_arg(a[2]), val, len);
  require("getsockopt", sp::check_zero(ret));
  if (ret < 0) return ret;
  uint32_t got = 0;
  req.take(&got, len, sizeof(got));
  require("getsockopt", sp::check_optlen(got, given));
  if (got != 0 && !copy_to_user(a[3], req.at(val), got)) return -EFAULT;
  if (!copy_to_user(a[4], &got, sizeof(got))) return -EFAULT;
  return 0;
}

// setsockopt(fd, level, name, optval, optlen)
int64_t setsockopt(const uint64_t a[6]) {
  const int64_t optlen = static_cast<int32_t>(a[4]);
  if (optlen < 0 || static_cast<uint64_t>(optlen) > kMaxOptLen) return -EINVAL;
  Request req("setsockopt");
  const uint64_t val = req.reserve(static_cast<uint64_t>(optlen));
  if (optlen != 0 && !copy_from_user(req.at(val), a[3], static_cast<uint64_t>(optlen))) {
    return -EFAULT;
  }
  const int64_t ret = req.call(__NR_setsockopt, fd_arg(a[0]), int_arg(a[1]), int_arg(a[2]), val,
                               static_cast<uint64_t>(optlen));
  require("setsockopt", sp::check_zero(ret));
  return ret;
}

// getsockname(fd, addr, addrlen) / getpeername(fd, addr, addrlen)
int64_t sockname(const char* call, uint64_t op, const uint64_t a[6]) {
  if (a[1] == 0) return -EFAULT;
  Request req(call);
  AddrOut addr;
  if (int64_t r = addr_prepare(req, a[1], a[2], &addr); r < 0) return r;
  const int64_t ret = req.call(op, fd_arg(a[0]), addr.addr, addr.len);
  require(call, sp::check_zero(ret));
  if (ret < 0) return ret;
  return addr_finish(req, addr);
}

}  // namespace cloister::shim::proxy
