// SPDX-License-Identifier: Apache-2.0
//
// The shim (target cloister-shim) is embedded in the cloister binary, so a
// user installs one file; this is its ELF image.
#pragma once

#include <cstdint>
#include <span>

namespace cloister::host::kvm {

// Empty when this build had no shim to embed (src/shim had no sources).
std::span<const uint8_t> embedded_shim();

}  // namespace cloister::host::kvm
