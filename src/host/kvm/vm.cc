// SPDX-License-Identifier: Apache-2.0
#include "host/kvm/vm.h"

#include <sys/ioctl.h>
#include <sys/mman.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace cloister::host::kvm {
namespace {

// One page for the identity-map page table and three for the real-mode TSS,
// above kMaxGuestMemory and below 4 GiB (KVM refuses a TSS above
// 4 GiB - 3 pages).
constexpr uint64_t kIdentityMapGpa = 0xffffa000;
constexpr uint64_t kTssGpa = 0xffffb000;
static_assert(kMaxGuestMemory <= kIdentityMapGpa);

Result<void> vcpu_ioctl(int fd, unsigned long request, void* arg, const char* name) {
  if (::ioctl(fd, request, arg) != 0) return fail(name, ": ", std::strerror(errno));
  return ok();
}

}  // namespace

Vcpu::~Vcpu() {
  if (run_ != nullptr) ::munmap(run_, run_size_);
}

Vcpu::Vcpu(Vcpu&& other) noexcept
    : fd_(std::move(other.fd_)),
      run_(std::exchange(other.run_, nullptr)),
      run_size_(std::exchange(other.run_size_, 0)) {}

Result<void> Vcpu::set_cpuid(const CpuidTable& cpuid) {
  return vcpu_ioctl(fd(), kIoctlSetCpuid2, cpuid.get(), "KVM_SET_CPUID2");
}

Result<kvm_sregs> Vcpu::sregs() const {
  kvm_sregs s{};
  CLOISTER_TRY(vcpu_ioctl(fd(), KVM_GET_SREGS, &s, "KVM_GET_SREGS"));
  return s;
}

Result<void> Vcpu::set_sregs(const kvm_sregs& sregs) {
  return vcpu_ioctl(fd(), KVM_SET_SREGS, const_cast<kvm_sregs*>(&sregs), "KVM_SET_SREGS");
}

Result<kvm_regs> Vcpu::regs() const {
  kvm_regs r{};
  CLOISTER_TRY(vcpu_ioctl(fd(), KVM_GET_REGS, &r, "KVM_GET_REGS"));
  return r;
}

Result<void> Vcpu::set_regs(const kvm_regs& regs) {
  return vcpu_ioctl(fd(), KVM_SET_REGS, const_cast<kvm_regs*>(&regs), "KVM_SET_REGS");
}

Result<Vm> Vm::create(const KvmSystem& kvm) {
  Vm vm;
  // Type 0: the default x86 VM. A signal can interrupt the call (the stop
  // handlers have no SA_RESTART); it is simply made again, and a stop
  // request is acted on before the guest runs (vmm.cc).
  int fd;
  do {
    fd = ::ioctl(kvm.fd(), KVM_CREATE_VM, 0);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) return fail("KVM_CREATE_VM: ", std::strerror(errno));
  vm.fd_.reset(fd);
  if (::ioctl(kvm.fd(), KVM_CHECK_EXTENSION, KVM_CAP_SET_IDENTITY_MAP_ADDR) > 0) {
    uint64_t addr = kIdentityMapGpa;
    if (::ioctl(vm.fd(), KVM_SET_IDENTITY_MAP_ADDR, &addr) != 0) {
      return fail("KVM_SET_IDENTITY_MAP_ADDR: ", std::strerror(errno));
    }
  }
  if (::ioctl(vm.fd(), KVM_SET_TSS_ADDR, static_cast<unsigned long>(kTssGpa)) != 0) {
    return fail("KVM_SET_TSS_ADDR: ", std::strerror(errno));
  }
  return vm;
}

Result<void> Vm::set_memory(const GuestMemory& memory) {
  kvm_userspace_memory_region region{};
  region.slot = 0;
  region.guest_phys_addr = 0;
  region.memory_size = memory.size();
  region.userspace_addr = reinterpret_cast<uint64_t>(memory.base());
  if (::ioctl(fd(), KVM_SET_USER_MEMORY_REGION, &region) != 0) {
    return fail("KVM_SET_USER_MEMORY_REGION: ", std::strerror(errno));
  }
  return ok();
}

Result<Vcpu> Vm::create_vcpu(const KvmSystem& kvm) {
  Vcpu vcpu;
  vcpu.fd_.reset(::ioctl(fd(), KVM_CREATE_VCPU, 0));
  if (!vcpu.fd_) return fail("KVM_CREATE_VCPU: ", std::strerror(errno));
  void* p = ::mmap(nullptr, kvm.vcpu_mmap_size(), PROT_READ | PROT_WRITE, MAP_SHARED, vcpu.fd(), 0);
  if (p == MAP_FAILED) return fail("mapping the vCPU's kvm_run: ", std::strerror(errno));
  vcpu.run_ = static_cast<kvm_run*>(p);
  vcpu.run_size_ = kvm.vcpu_mmap_size();
  return vcpu;
}

}  // namespace cloister::host::kvm
