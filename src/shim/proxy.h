// SPDX-License-Identifier: Apache-2.0
//
// The syscalls the shim sends to the host through the sallyport
// (docs/sallyport.md): marshalling the keep program's arguments into the
// block, and checking every reply before the program sees it (Iago defences).
#pragma once

#include <cstdint>

namespace cloister::shim {

// Records guest fds 0 .. open_fds-1 as open (BootInfo.open_fds).
void proxy_init(uint64_t open_fds);

// Whether `nr` is a syscall the shim sends to the host.
bool is_proxied(uint64_t nr);

// Runs proxied syscall `nr` with the keep program's raw arguments. Returns
// the result or -errno. A reply that breaks the protocol ends the keep
// (protocol_violation) and never returns.
int64_t proxy_syscall(uint64_t nr, const uint64_t args[6]);

}  // namespace cloister::shim
