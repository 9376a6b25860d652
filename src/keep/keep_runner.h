// SPDX-License-Identifier: Apache-2.0
//
// What the keep program does with a launch message: give the module the
// descriptors, arguments and environment it was granted, run it under WASI,
// and turn the way it ended into the keep's exit status.
#pragma once

#include "keep/launch.h"

namespace cloister::keep {

// Exit statuses of the keep program (and so of `cloister run`), besides the
// module's own exit code. Documented in docs/run.md.
inline constexpr int kExitTrap = 134;     // the module trapped (like wasmtime: 128 + SIGABRT)
inline constexpr int kExitNoStart = 125;  // the workload could not be started

// Runs the workload and returns the keep's exit status. Diagnostics (traps,
// invalid modules, link errors) go to the keep's stderr, prefixed "cloister: ".
int run_launch(Launch launch);

}  // namespace cloister::keep
