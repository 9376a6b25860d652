// SPDX-License-Identifier: Apache-2.0
//
// /dev/kvm: the first stage of starting a keep. Opening it checks everything
// the VMM relies on (API version 12 and each capability by name), so a host
// that cannot run a keep says why before any VM exists.
#pragma once

#include <linux/kvm.h>
#include <sys/ioctl.h>

#include <cstddef>
#include <memory>

#include "base/result.h"
#include "base/unique_fd.h"

namespace cloister::host::kvm {

// struct kvm_cpuid2's fixed part. <linux/kvm.h> declares the entries with
// __DECLARE_FLEX_ARRAY, which under C++ (Debian 12's kernel headers) adds an
// empty struct: sizeof(kvm_cpuid2) becomes 12 and the entries move to offset
// 12, so both the ioctl numbers and the layout would differ from the
// kernel's (it answers EINVAL). The VMM uses this definition instead.
struct CpuidHeader {
  uint32_t nent;
  uint32_t padding;
};
static_assert(sizeof(CpuidHeader) == 8);
inline constexpr unsigned long kIoctlGetSupportedCpuid = _IOWR(KVMIO, 0x05, CpuidHeader);
inline constexpr unsigned long kIoctlSetCpuid2 = _IOW(KVMIO, 0x90, CpuidHeader);

// KVM_GET_SUPPORTED_CPUID's answer: a CpuidHeader, then nent entries.
struct CpuidTable {
  std::unique_ptr<uint8_t[]> storage;
  void* get() const { return storage.get(); }
  CpuidHeader* header() const { return reinterpret_cast<CpuidHeader*>(storage.get()); }
  kvm_cpuid_entry2* entries() const {
    return reinterpret_cast<kvm_cpuid_entry2*>(storage.get() + sizeof(CpuidHeader));
  }
};

class KvmSystem {
 public:
  // Opens /dev/kvm and checks the API version and every capability the VMM
  // uses; the error names the first thing missing.
  static Result<KvmSystem> open();

  int fd() const { return fd_.get(); }
  size_t vcpu_mmap_size() const { return vcpu_mmap_size_; }
  // The CPUID leaves this host's KVM can offer a guest (SSE, AVX, XSAVE,
  // RDRAND, ...), read once.
  Result<CpuidTable> supported_cpuid() const;

 private:
  UniqueFd fd_;
  size_t vcpu_mmap_size_ = 0;
};

}  // namespace cloister::host::kvm
