// SPDX-License-Identifier: Apache-2.0
//
// The VMM behind run_kvm, with the shim image as a parameter so that tests
// can boot their own small guests instead of the embedded shim.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "base/result.h"
#include "host/kvm/kvm_backend.h"
#include "host/workload.h"

namespace cloister::host::kvm {

// What a run measured (for tests and benchmarks).
struct VmTimings {
  uint64_t entry_ns = 0;           // from run_vm's start to the first KVM_RUN (the VMM's part)
  uint64_t first_doorbell_ns = 0;  // from run_vm's start to the guest's first doorbell
  uint64_t end_ns = 0;             // from run_vm's start to the keep's end
  uint64_t doorbells = 0;          // sallyport requests served
  uint64_t server_ns = 0;          // of which spent in the sallyport server (the host calls)
};

// Boots `shim_elf` (an ELF as boot.h describes) with `keep_program` at
// kKeepElfGpa, serves the sallyport and returns as run_kvm does. Messages
// about how the keep ended go to options.stdio[2].
Result<int> run_vm(std::span<const uint8_t> shim_elf, const std::string& keep_program,
                   Workload workload, const KvmOptions& options, VmTimings* timings = nullptr);

}  // namespace cloister::host::kvm
