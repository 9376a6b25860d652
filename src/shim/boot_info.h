// SPDX-License-Identifier: Apache-2.0
//
// Checking the BootInfo record the VMM hands the shim (src/sallyport/boot.h)
// before anything is built on it. Pure logic; the host-side tests compile it.
#pragma once

#include "sallyport/boot.h"

namespace cloister::shim {

// The smallest guest the shim can run a keep program in.
inline constexpr uint64_t kMinMemory = uint64_t{16} << 20;

// Returns null, or what is wrong with `info`.
const char* check_boot_info(const sallyport::boot::BootInfo& info);

// What the host offers beyond the block (BootInfo.features: kFeature* bits,
// unknown ones ignored), as shim_main read it at boot, for the sallyport
// client (e.g. kFeatureDirectIo).
void record_host_features(uint64_t features);
uint64_t host_features();

}  // namespace cloister::shim
