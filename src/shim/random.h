// SPDX-License-Identifier: Apache-2.0
//
// Randomness from inside the guest (RDRAND, RDSEED as a fallback); the host
// is never asked, since it is not trusted with the keep's secrets.
#pragma once

#include <cstdint>

namespace cloister::shim {

// A random 64-bit value. If the CPU's generator keeps failing (Intel's
// guidance: retry RDRAND 10 times), the keep is ended: running on without
// entropy would be worse.
uint64_t random_u64();

void random_fill(void* buf, uint64_t n);

}  // namespace cloister::shim
