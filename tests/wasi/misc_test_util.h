// SPDX-License-Identifier: Apache-2.0
//
// Shared by the args/clock/random/proc/poll/socket tests: a WasiTest whose
// context can be replaced by one built from any WasiSetup.
#pragma once

#include <utility>

#include "wasi_test_util.h"

namespace cloister::wasi::testing {

class MiscWasiTest : public WasiTest {
 protected:
  // Replaces the fixture's context (stdio pipes and "/" preopen) by `setup`.
  void use_setup(WasiSetup setup) {
    ctx_.reset();
    auto ctx = WasiContext::create(std::move(setup));
    ASSERT_TRUE(ctx.has_value()) << ctx.error().message();
    ctx_ = std::move(*ctx);
  }
  uint64_t memory_size() const { return memory_->size_bytes(); }
  uint16_t get_u16(uint32_t ptr) {
    uint16_t v;
    std::memcpy(&v, mem() + ptr, 2);
    return v;
  }
  void put_u64(uint32_t ptr, uint64_t v) { std::memcpy(mem() + ptr, &v, 8); }
  void put_u16(uint32_t ptr, uint16_t v) { std::memcpy(mem() + ptr, &v, 2); }
};

}  // namespace cloister::wasi::testing
