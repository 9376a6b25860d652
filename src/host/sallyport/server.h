// SPDX-License-Identifier: Apache-2.0
//
// The host's end of the sallyport (docs/sallyport.md): runs the requests a
// KVM keep puts in its block. The keep is not trusted: every offset and
// length is checked against the block, only allow-listed calls run, every fd
// goes through a table that starts with exactly what Cloister.toml granted,
// and path calls are confined to the granted directories again here.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <variant>

#include "base/result.h"
#include "base/unique_fd.h"
#include "sallyport/abi.h"

namespace cloister::host::sallyport {

using cloister::sallyport::kBlockSize;

// Guest fd number -> host descriptor. Only the server creates entries after
// start (open, accept, dup); the VMM installs the initial ones.
class FdTable;

// How a request ended for the VMM.
// The reply is written; resume the vCPU.
struct Continue {};
// kOpExit: the keep exited with this status.
struct Exit {
  int status;
};
// kOpFault: a CPU exception the shim could not handle.
struct Fault {
  uint64_t vector, error_code, rip, cr2, cs, rsp;
};
// kOpViolation: the shim caught the host breaking the protocol; the text is
// already sanitised (printable ASCII, at most kMaxMessage source bytes).
struct Violation {
  std::string text;
};
using Outcome = std::variant<Continue, Exit, Fault, Violation>;

class Server {
 public:
  // `log_fd` receives kOpLog lines ("cloister: shim: ...").
  explicit Server(int log_fd = 2);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Installs a granted descriptor at guest number `guest_fd` before start.
  // A kReadOnly grant (a directory Cloister.toml grants with mode "ro") is
  // enforced here, whatever the keep does: nothing beneath it can be
  // created, removed, renamed, linked, opened for writing or have its times
  // changed (EROFS), and every descriptor derived from it (open, dup) is
  // read-only too.
  enum class Access { kReadWrite, kReadOnly };
  Result<void> install(int guest_fd, UniqueFd host_fd, Access access = Access::kReadWrite);

  // Handles the request in `block` (the host's mapping of the kBlockSize
  // bytes). Never trusts anything in it.
  Outcome handle(uint8_t* block);

  // Offers direct I/O (sallyport::kOpDirect): `base` is the host's mapping
  // of guest RAM from guest physical 0, `size` its length. Only for keeps
  // whose memory the host can read anyway (kvm); without it, direct
  // requests are refused with ENOSYS.
  void set_guest_memory(uint8_t* base, uint64_t size);

  // Test-only hook (the hostile-host tests): called with the block after
  // every Linux call's reply is written, before the guest sees it.
  void set_reply_hook(std::function<void(uint8_t* block)> hook);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cloister::host::sallyport
