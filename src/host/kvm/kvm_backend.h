// SPDX-License-Identifier: Apache-2.0
//
// The kvm backend: the keep program in ring 3 of a micro-VM, under our shim
// kernel, reaching the host only through the sallyport (docs/kvm.md). The
// host can still read the guest's memory (this is isolation, not
// confidentiality); SEV-SNP and TDX keeps take that away too.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "base/result.h"
#include "host/workload.h"

namespace cloister::host {

// The keep was ended abnormally: a CPU exception in the keep (reported by
// the shim, or a triple fault the VMM saw), the host broke the sallyport
// protocol, or the guest stopped in a way the VMM cannot serve (hlt, a stray
// port or MMIO access). The one-line diagnostic is on KvmOptions::stdio[2].
inline constexpr int kExitKeepFault = 133;

inline constexpr uint64_t kDefaultKeepMemory = uint64_t{1} << 30;  // 1 GiB

struct KvmOptions {
  uint64_t memory_bytes = kDefaultKeepMemory;
  // The host descriptors the keep's fds 0, 1 and 2 are (tests pass pipes).
  // stdio[2] also receives the VMM's and the shim's messages.
  int stdio[3] = {0, 1, 2};
  // Test-only (hostile-host tests): sees the sallyport block after every
  // reply, before the guest does, and may corrupt it.
  std::function<void(uint8_t* block)> reply_hook;
};

// Why the kvm backend cannot run here (no /dev/kvm, no permission, API
// version, a missing KVM capability by name, no shim in this build), or
// success.
Result<void> kvm_usable();

// Whether `path` is a keep program the kvm backend can load: a static x86-64
// ELF (ET_EXEC, or static-pie ET_DYN without PT_INTERP). A dynamic one (a
// sanitizer build) is refused with a message saying so.
Result<void> check_keep_program(const std::string& path);

// Runs `workload` with `keep_program` (a static ELF) in a new VM. Returns the
// keep's exit status exactly as run_nil does: the module's exit code, 134 on a
// trap, 125 if it could not start, kExitKeepFault if the shim ended it,
// 128 + N if signal N stopped `cloister`.
Result<int> run_kvm(const std::string& keep_program, Workload workload, const KvmOptions& options);

}  // namespace cloister::host
