// SPDX-License-Identifier: Apache-2.0
//
// Opens, on the host, what a KeepConfig grants: /dev/null for `null`, TCP
// listeners and connections, and preopened directories. The keep receives
// these descriptors and nothing else; it never names host paths or addresses
// itself.
#pragma once

#include <vector>

#include "base/result.h"
#include "base/unique_fd.h"
#include "config/keep_config.h"

namespace cloister::host {

// One descriptor per config entry, in the same order. stdin/stdout/stderr
// entries get a duplicate of the host process's own fd 0/1/2. Every fd is
// O_CLOEXEC (the launcher places them in the keep explicitly). Errors name the
// entry ("files[3] (listen \"web\"): bind [::]:8080: Address already in use").
Result<std::vector<UniqueFd>> open_resources(const config::KeepConfig& config);

}  // namespace cloister::host
