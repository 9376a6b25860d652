// SPDX-License-Identifier: Apache-2.0
//
// The nil backend: the keep program as a plain child process. No isolation
// at all (the host can read and change everything), for development and
// debugging; it runs exactly the keep program the isolated backends run.
#pragma once

#include <string>

#include "base/result.h"
#include "host/workload.h"

namespace cloister::host {

// Starts `keep_program` with the launch message at fd 3 and the workload's
// descriptors at their numbers, stdio shared with this process, and an empty
// environment; waits for it. SIGINT, SIGTERM, SIGHUP and SIGQUIT sent to
// `cloister` are passed on to the keep, so it never outlives `cloister`.
// Returns the keep's exit status: 128 + N when signal N ended it (said on
// stderr unless N was a stop request: SIGINT, SIGTERM or SIGHUP).
Result<int> run_nil(const std::string& keep_program, Workload workload);

}  // namespace cloister::host
