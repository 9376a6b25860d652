// SPDX-License-Identifier: Apache-2.0
//
// libFuzzer target: arbitrary bytes through the decoder and, when they
// decode, the validator. Any crash, sanitizer report, leak or unbounded
// allocation is a bug: hostile modules must only ever produce an error.

#include <cstddef>
#include <cstdint>
#include <span>

#include "wasm/decoder.h"
#include "wasm/validator.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cloister::wasm;
  // Default limits: they are what an embedder gets, so they are what must be
  // safe. libFuzzer's RSS limit catches allocations the limits fail to bound.
  const EngineLimits limits;
  auto module = decode_module(std::span<const uint8_t>(data, size), limits);
  if (!module) {
    // Every failure must explain itself.
    if (module.error().message().empty()) __builtin_trap();
    return 0;
  }
  auto valid = validate_module(*module, limits);
  if (!valid && valid.error().message().empty()) __builtin_trap();
  return 0;
}
