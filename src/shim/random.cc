// SPDX-License-Identifier: Apache-2.0
#include "shim/random.h"

#include <cstring>

#include "shim/cpu.h"
#include "shim/panic.h"

namespace cloister::shim {
namespace {

bool rdrand(uint64_t* out) {
  uint8_t ok;
  asm volatile("rdrand %0\n setc %1" : "=r"(*out), "=qm"(ok) : : "cc");
  return ok != 0;
}

bool rdseed(uint64_t* out) {
  uint8_t ok;
  asm volatile("rdseed %0\n setc %1" : "=r"(*out), "=qm"(ok) : : "cc");
  return ok != 0;
}

}  // namespace

uint64_t random_u64() {
  uint64_t v;
  for (int i = 0; i < 10; ++i) {
    if (rdrand(&v)) return v;
  }
  if (cpu_features().rdseed) {
    for (int i = 0; i < 100; ++i) {
      if (rdseed(&v)) return v;
      asm volatile("pause");
    }
  }
  boot_failure("the CPU's random number generator (RDRAND/RDSEED) keeps failing");
}

void random_fill(void* buf, uint64_t n) {
  auto* out = static_cast<uint8_t*>(buf);
  while (n > 0) {
    const uint64_t v = random_u64();
    const uint64_t k = n < sizeof(v) ? n : sizeof(v);
    std::memcpy(out, &v, k);
    out += k;
    n -= k;
  }
}

}  // namespace cloister::shim
