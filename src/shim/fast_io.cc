// SPDX-License-Identifier: Apache-2.0
#include "shim/fast_io.h"

#include <asm/unistd_64.h>

#include <cstdint>

#include "sallyport/boot.h"
#include "sallyport/checks.h"
#include "shim/boot_info.h"
#include "shim/host_channel.h"
#include "shim/page_tables.h"

// Read by entry.S's fast path: whether it may run, the block's address and
// the keep's CR3 (one address space, fixed once the keep starts).
extern "C" {
constinit uint8_t fast_direct_io = 0;
constinit uint64_t fast_block = 0;
constinit uint64_t fast_cr3 = 0;

// entry.S jumps here when a fast read/write reply fails its check: the same
// check (and message) as the general path's. Never returns.
[[noreturn]] void fast_io_violation(uint64_t nr, int64_t ret, uint64_t asked) {
  const char* call = nr == __NR_read ? "read" : "write";
  const cloister::sallyport::CheckFailure failure = cloister::sallyport::check_length(ret, asked);
  cloister::shim::protocol_violation(call, failure != nullptr ? failure : "reply");
}
}

namespace cloister::shim {

void fast_io_init() {
  fast_block = reinterpret_cast<uint64_t>(block_bytes());
  fast_cr3 = page_table_root();
  fast_direct_io = (host_features() & sallyport::boot::kFeatureDirectIo) != 0 ? 1 : 0;
}

}  // namespace cloister::shim
