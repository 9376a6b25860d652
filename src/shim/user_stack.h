// SPDX-License-Identifier: Apache-2.0
//
// The keep program's initial stack (System V x86-64 ABI, 3.4.1): argc, argv,
// envp, the auxiliary vector, and the strings and AT_RANDOM bytes they point
// to. Built into a buffer that stands for the top of the stack, so it is pure
// logic (the host-side tests compile it too); the shim copies it to the
// stack pages.
#pragma once

#include <cstdint>

namespace cloister::shim {

struct AuxEntry {
  uint64_t type;
  uint64_t value;
};

struct StackSpec {
  const char* const* argv;
  uint64_t argc;
  const char* const* envp;
  uint64_t envc;
  // Entries other than those the builder adds itself (AT_RANDOM, AT_PLATFORM,
  // AT_EXECFN, which point into the stack, and the final AT_NULL).
  const AuxEntry* aux;
  uint64_t auxc;
  const uint8_t* random16;  // the AT_RANDOM bytes
  const char* platform;     // AT_PLATFORM, e.g. "x86_64"
};

// Lays the stack out in `buf`, whose end is user address `top`. Returns the
// initial RSP (16-byte aligned, pointing at argc), or 0 if `buf_size` is too
// small.
uint64_t build_user_stack(const StackSpec& spec, uint8_t* buf, uint64_t buf_size, uint64_t top);

}  // namespace cloister::shim
