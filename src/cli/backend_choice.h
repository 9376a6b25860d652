// SPDX-License-Identifier: Apache-2.0
//
// Choosing the backend for `cloister run`: what --backend asked for, what
// the machine offers (host/platform.h) and what Cloister.toml requires.
#pragma once

#include <string>
#include <vector>

#include "base/result.h"
#include "host/platform.h"

namespace cloister::cli {

// Every backend as judged on this machine, with the kvm backend's own checks
// (device, API, a static keep program) included. `keep_program` is what
// host::find_keep_program() found (or why it found nothing).
std::vector<host::BackendStatus> probe_backends(const Result<std::string>& keep_program);

// `requested` is "nil", "kvm" or "auto". Fails, saying why, when the chosen
// backend cannot run here or is not confidential while `require_confidential`.
// Plain `nil` asks the machine nothing (it is always there, never
// confidential), so it adds no probing to a run's start-up.
Result<std::string> choose_backend(const std::string& requested, bool require_confidential,
                                   const Result<std::string>& keep_program);

}  // namespace cloister::cli
