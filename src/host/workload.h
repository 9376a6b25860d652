// SPDX-License-Identifier: Apache-2.0
//
// Turning a `cloister run` request into what a keep receives: the module
// bytes, the configuration's arguments and environment, and the host
// descriptors it grants, each assigned a descriptor number in the keep.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "base/unique_fd.h"
#include "config/keep_config.h"
#include "keep/launch.h"

namespace cloister::host {

struct Workload {
  keep::Launch launch;
  // Host descriptors to place in the keep: (descriptor, number in the keep).
  // stdio entries are not listed: the keep's own 0/1/2 are the user's.
  std::vector<std::pair<UniqueFd, int>> fds;
};

// Reads the module (bounded), opens what `config` grants and builds the
// launch message. argv = [module_path, config args..., extra_args...].
Result<Workload> prepare_workload(const std::string& module_path, const config::KeepConfig& config,
                                  const std::vector<std::string>& extra_args);

}  // namespace cloister::host
