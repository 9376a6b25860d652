// SPDX-License-Identifier: Apache-2.0
#include "shim/user_stack.h"

#include <linux/auxvec.h>

#include <cstring>

namespace cloister::shim {
namespace {

// Fills the buffer from its end downwards, tracking the user address of
// each thing placed.
struct Downward {
  uint8_t* buf;
  uint64_t size;
  uint64_t top;
  uint64_t used = 0;
  bool ok = true;

  // Places n bytes below what is there; returns their user address.
  uint64_t put(const void* data, uint64_t n) {
    if (!ok || n > size - used) {
      ok = false;
      return 0;
    }
    used += n;
    std::memcpy(buf + size - used, data, n);
    return top - used;
  }
  uint64_t put_string(const char* s) { return put(s, std::strlen(s) + 1); }
  void align(uint64_t a) {
    const uint64_t pad = (top - used) % a;
    if (pad > size - used)
      ok = false;
    else
      used += pad;
  }
};

}  // namespace

uint64_t build_user_stack(const StackSpec& spec, uint8_t* buf, uint64_t buf_size, uint64_t top) {
  Downward d{buf, buf_size, top};
  if (buf_size > 0) std::memset(buf, 0, buf_size);
  const uint64_t zero = 0;
  d.put(&zero, sizeof(zero));  // an end marker above the strings, as Linux leaves
  const uint64_t execfn = spec.argc > 0 ? d.put_string(spec.argv[0]) : 0;
  const uint64_t platform = d.put_string(spec.platform);
  const uint64_t random = d.put(spec.random16, 16);

  constexpr uint64_t kMaxStrings = 64;
  if (spec.argc > kMaxStrings || spec.envc > kMaxStrings) return 0;
  uint64_t argv[kMaxStrings];
  uint64_t envp[kMaxStrings];
  for (uint64_t i = spec.envc; i-- > 0;) envp[i] = d.put_string(spec.envp[i]);
  for (uint64_t i = spec.argc; i-- > 0;) argv[i] = d.put_string(spec.argv[i]);

  // The vector part: argc, argv..., 0, envp..., 0, auxv pairs, AT_NULL pair.
  // Its start (RSP) must be 16-byte aligned, so the padding goes above it.
  const uint64_t aux_pairs = spec.auxc + 4;
  const uint64_t words = 1 + spec.argc + 1 + spec.envc + 1 + 2 * aux_pairs;
  d.align(16);
  if ((words * 8) % 16 != 0) d.put(&zero, 8);

  const AuxEntry own[] = {
      {AT_RANDOM, random}, {AT_PLATFORM, platform}, {AT_EXECFN, execfn}, {AT_NULL, 0}};
  for (uint64_t i = 4; i-- > 0;) d.put(&own[i], sizeof(AuxEntry));
  for (uint64_t i = spec.auxc; i-- > 0;) d.put(&spec.aux[i], sizeof(AuxEntry));
  d.put(&zero, 8);
  for (uint64_t i = spec.envc; i-- > 0;) d.put(&envp[i], 8);
  d.put(&zero, 8);
  for (uint64_t i = spec.argc; i-- > 0;) d.put(&argv[i], 8);
  const uint64_t sp = d.put(&spec.argc, 8);
  if (!d.ok) return 0;
  return sp;
}

}  // namespace cloister::shim
