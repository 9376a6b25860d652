// SPDX-License-Identifier: Apache-2.0
#include "host/kvm/kvm_system.h"

#include <fcntl.h>
#include <sys/ioctl.h>

#include <cerrno>
#include <cstring>

namespace cloister::host::kvm {
namespace {

// KVM_GET_API_VERSION has answered 12 since Linux 2.6.22; anything else is
// an interface this VMM does not know.
constexpr int kKvmApiVersion = 12;

struct Capability {
  int id;
  const char* name;
};
// What the VMM uses: a user-memory slot, the Intel real-mode TSS address
// (required on VMX before the first KVM_RUN), CPUID for the guest, and
// kvm_run.immediate_exit, which lets a stop signal end KVM_RUN without a race.
constexpr Capability kNeeded[] = {
    {KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY"},
    {KVM_CAP_SET_TSS_ADDR, "KVM_CAP_SET_TSS_ADDR"},
    {KVM_CAP_EXT_CPUID, "KVM_CAP_EXT_CPUID"},
    {KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT"},
};

}  // namespace

Result<KvmSystem> KvmSystem::open() {
  KvmSystem kvm;
  kvm.fd_.reset(::open("/dev/kvm", O_RDWR | O_CLOEXEC));
  if (!kvm.fd_) {
    const int err = errno;
    if (err == ENOENT) {
      return fail(
          "/dev/kvm does not exist (no KVM: the kvm module is not loaded, or the CPU has "
          "no VT-x/AMD-V or it is off in the firmware)");
    }
    if (err == EACCES || err == EPERM) {
      return fail("/dev/kvm: permission denied (add the user to the 'kvm' group)");
    }
    return fail("/dev/kvm: ", std::strerror(err));
  }
  const int version = ::ioctl(kvm.fd(), KVM_GET_API_VERSION, 0);
  if (version != kKvmApiVersion) {
    return fail("/dev/kvm: KVM API version ", version, ", expected ", kKvmApiVersion);
  }
  for (const Capability& cap : kNeeded) {
    if (::ioctl(kvm.fd(), KVM_CHECK_EXTENSION, cap.id) <= 0) {
      return fail("/dev/kvm: the host's KVM lacks ", cap.name);
    }
  }
  const int mmap_size = ::ioctl(kvm.fd(), KVM_GET_VCPU_MMAP_SIZE, 0);
  if (mmap_size < static_cast<int>(sizeof(kvm_run))) {
    return fail("/dev/kvm: KVM_GET_VCPU_MMAP_SIZE: ",
                mmap_size < 0 ? std::strerror(errno) : "smaller than struct kvm_run");
  }
  kvm.vcpu_mmap_size_ = static_cast<size_t>(mmap_size);
  return kvm;
}

Result<CpuidTable> KvmSystem::supported_cpuid() const {
  // 256 is KVM's own limit (KVM_MAX_CPUID_ENTRIES), so one call suffices;
  // the kernel says E2BIG should a future one have more.
  for (uint32_t entries = 256; entries <= 4096; entries *= 2) {
    CpuidTable table;
    const size_t bytes = sizeof(CpuidHeader) + entries * sizeof(kvm_cpuid_entry2);
    table.storage = std::make_unique<uint8_t[]>(bytes);
    std::memset(table.storage.get(), 0, bytes);
    table.header()->nent = entries;
    if (::ioctl(fd(), kIoctlGetSupportedCpuid, table.get()) == 0) return table;
    if (errno != E2BIG) return fail("KVM_GET_SUPPORTED_CPUID: ", std::strerror(errno));
  }
  return fail("KVM_GET_SUPPORTED_CPUID: more than 4096 entries");
}

}  // namespace cloister::host::kvm
