// SPDX-License-Identifier: Apache-2.0
//
// The last resorts when the shim cannot go on.
#pragma once

namespace cloister::shim {

// Stops the vCPU for good with a triple fault (KVM reports a shutdown exit):
// used when the host does not honour a final op, or the fault reporter itself
// faults. Never hangs, never loops.
[[noreturn]] void triple_fault();

// Logs "<what>" to the host and ends the keep with status 125 (could not
// start), for the set-up steps before the keep program runs.
[[noreturn]] void boot_failure(const char* what);

}  // namespace cloister::shim
