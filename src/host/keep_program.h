// SPDX-License-Identifier: Apache-2.0
//
// Finding the keep program (cloister-keep) that every backend runs.
#pragma once

#include <string>

#include "base/result.h"

namespace cloister::host {

// $CLOISTER_KEEP if set; otherwise `cloister-keep` next to the running
// `cloister` binary, then ../libexec/cloister/cloister-keep relative to it.
// The error lists every place looked at.
Result<std::string> find_keep_program();

}  // namespace cloister::host
