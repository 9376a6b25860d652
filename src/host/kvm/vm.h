// SPDX-License-Identifier: Apache-2.0
//
// The VM and its one vCPU (second and third stages after /dev/kvm): the VM
// owns the memory slot, the vCPU its kvm_run page. Guest state is set by the
// boot stage (boot_state.h), not here.
#pragma once

#include <linux/kvm.h>

#include <cstddef>

#include "base/result.h"
#include "base/unique_fd.h"
#include "host/kvm/guest_memory.h"
#include "host/kvm/kvm_system.h"

namespace cloister::host::kvm {

class Vcpu {
 public:
  Vcpu() = default;
  ~Vcpu();
  Vcpu(Vcpu&& other) noexcept;
  Vcpu& operator=(Vcpu&&) = delete;
  Vcpu(const Vcpu&) = delete;
  Vcpu& operator=(const Vcpu&) = delete;

  int fd() const { return fd_.get(); }
  // The shared kvm_run page: exit reason and exit data after each KVM_RUN.
  kvm_run* run() const { return run_; }

  Result<void> set_cpuid(const CpuidTable& cpuid);
  Result<kvm_sregs> sregs() const;
  Result<void> set_sregs(const kvm_sregs& sregs);
  Result<kvm_regs> regs() const;
  Result<void> set_regs(const kvm_regs& regs);

 private:
  friend class Vm;
  UniqueFd fd_;
  kvm_run* run_ = nullptr;
  size_t run_size_ = 0;
};

class Vm {
 public:
  // KVM_CREATE_VM, plus the two addresses Intel's VMX needs for real-mode
  // emulation (never used here: the guest starts in long mode, but KVM
  // requires them before the first KVM_RUN), just below 4 GiB.
  static Result<Vm> create(const KvmSystem& kvm);

  // Maps `memory` as slot 0 at guest physical 0.
  Result<void> set_memory(const GuestMemory& memory);
  Result<Vcpu> create_vcpu(const KvmSystem& kvm);

  int fd() const { return fd_.get(); }

 private:
  UniqueFd fd_;
};

}  // namespace cloister::host::kvm
