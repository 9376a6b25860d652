// SPDX-License-Identifier: Apache-2.0
//
// Building the module's descriptor table from what the host granted: each
// descriptor's WASI type comes from fstat, its rights from its type, and a
// read-only preopen loses every right that changes something (see below for
// the inheriting rights path_open refuses).
#include <sys/socket.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "wasi/host_conv.h"
#include "wasi/wasi.h"

namespace cloister::wasi {
namespace {

struct Rights {
  uint64_t base;
  uint64_t inheriting;
};

Rights rights_for(Filetype type, bool read_only) {
  Rights r{};
  switch (type) {
    case Filetype::Directory:
      r = {rights::kDirectory, rights::kDirectory | rights::kRegularFile};
      break;
    case Filetype::RegularFile:
      r = {rights::kRegularFile, 0};
      break;
    case Filetype::SocketStream:
    case Filetype::SocketDgram:
      r = {rights::kSocket, rights::kSocket};
      break;
    default:
      r = {rights::kStream, 0};
      break;
  }
  if (read_only) {
    r.base &= ~rights::kWriting;
    // The inheriting rights keep kWriteAccess: libc asks path_open for the
    // rights a directory passes on, so an open for writing then asks for
    // fd_write and path_open refuses it (NotCapable) at open time, instead of
    // handing out a descriptor whose every write fails. No descriptor below a
    // read-only preopen ever holds them.
    r.inheriting &= ~(rights::kWriting & ~rights::kWriteAccess);
  }
  return r;
}

}  // namespace

Result<std::unique_ptr<WasiContext>> WasiContext::create(WasiSetup setup) {
  std::unique_ptr<WasiContext> ctx(new WasiContext());
  ctx->args_ = std::move(setup.args);
  ctx->env_ = std::move(setup.env);
  for (size_t i = 0; i < setup.fds.size(); ++i) {
    GrantedFd& g = setup.fds[i];
    struct stat st {};
    if (!g.host.valid() || ::fstat(g.host.get(), &st) != 0) {
      return fail("WASI fd ", i, ": host descriptor ", g.host.get(),
                  " is not open: ", std::strerror(errno));
    }
    FdEntry e;
    e.type = filetype_from_mode(st.st_mode);
    if (e.type == Filetype::SocketStream) {
      // fstat cannot tell stream from datagram sockets.
      int type = 0;
      socklen_t len = sizeof(type);
      if (::getsockopt(g.host.get(), SOL_SOCKET, SO_TYPE, &type, &len) == 0 && type == SOCK_DGRAM) {
        e.type = Filetype::SocketDgram;
      }
    }
    if (!g.preopen.empty() && e.type != Filetype::Directory) {
      return fail("WASI fd ", i, ": preopen \"", g.preopen, "\" is not a directory");
    }
    const Rights r = rights_for(e.type, g.read_only);
    e.rights_base = r.base;
    e.rights_inheriting = r.inheriting;
    e.preopen = g.preopen;
    e.is_preopen = !g.preopen.empty();
    e.read_only = g.read_only;
    e.is_listener = g.is_listener;
    e.host = std::move(g.host);
    ctx->fds_.insert_at(static_cast<uint32_t>(i), std::move(e));
  }
  return ctx;
}

}  // namespace cloister::wasi
