// SPDX-License-Identifier: Apache-2.0
//
// The shim has no dynamic loader: the keep program must be a static x86-64
// executable (ET_EXEC, or a static-pie ET_DYN without PT_INTERP).
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "base/result.h"

namespace cloister::host::kvm {

// `file` is the keep program's content; `path` names it in errors.
Result<void> check_static_keep(std::span<const uint8_t> file, const std::string& path);

}  // namespace cloister::host::kvm
