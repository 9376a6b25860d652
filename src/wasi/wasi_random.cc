// SPDX-License-Identifier: Apache-2.0
//
// random_get: bytes from the keep's own entropy source. getrandom(2) is
// called directly (no /dev/urandom file): inside the KVM keep the shim
// answers it from RDRAND, so the host never supplies these bytes.
#include <sys/random.h>

#include <cerrno>
#include <cstddef>

#include "wasi/call.h"
#include "wasi/host_conv.h"

namespace cloister::wasi {
namespace {

// Fills `out` completely: getrandom may return fewer bytes than asked (large
// requests, signals) or fail with EINTR; both just continue.
Errno fill_random(std::span<uint8_t> out) {
  size_t done = 0;
  while (done < out.size()) {
    const ssize_t n = ::getrandom(out.data() + done, out.size() - done, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return last_errno();
    }
    done += static_cast<size_t>(n);
  }
  return Errno::Success;
}

// random_get(buf, buf_len)
wasm::Outcome<Errno> random_get(WasiCall& c) {
  WASI_TRY_ASSIGN(std::span<uint8_t> buf, c.mem.bytes(c.u32(0), c.u32(1)));
  return fill_random(buf);
}

}  // namespace

void register_random(WasiRegistry& r) {
  r.add("random_get", "ii", &random_get);
}

}  // namespace cloister::wasi
