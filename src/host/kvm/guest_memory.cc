// SPDX-License-Identifier: Apache-2.0
#include "host/kvm/guest_memory.h"

#include <sys/mman.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "host/kvm/hex_number.h"

namespace cloister::host::kvm {

Result<uint64_t> guest_memory_size(uint64_t requested) {
  if (requested < kMinGuestMemory || requested > kMaxGuestMemory) {
    return fail("keep memory of ", requested,
                " bytes is outside what the kvm backend supports "
                "(32 MiB to 3 GiB)");
  }
  if (requested % kTwoMiB != 0) {
    return fail("keep memory of ", requested, " bytes is not a multiple of 2 MiB");
  }
  return requested;
}

Result<GuestMemory> GuestMemory::create(uint64_t size) {
  void* p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED)
    return fail("mapping ", size, " bytes of guest memory: ", std::strerror(errno));
  // Transparent huge pages let KVM map guest memory with 2 MiB pages: a
  // guest touching fresh memory takes one EPT fault per 2 MiB instead of one
  // per 4 KiB. Only advice: without THP the keep still runs. (Where KVM
  // itself runs in a VM, the outer hypervisor's first-touch cost dominates
  // either way: docs/kvm.md.)
  ::madvise(p, size, MADV_HUGEPAGE);
  GuestMemory m;
  m.base_ = static_cast<uint8_t*>(p);
  m.size_ = size;
  return m;
}

GuestMemory::~GuestMemory() {
  if (base_ != nullptr) ::munmap(base_, size_);
}

GuestMemory::GuestMemory(GuestMemory&& other) noexcept
    : base_(std::exchange(other.base_, nullptr)), size_(std::exchange(other.size_, 0)) {}

GuestMemory& GuestMemory::operator=(GuestMemory&& other) noexcept {
  if (this != &other) {
    if (base_ != nullptr) ::munmap(base_, size_);
    base_ = std::exchange(other.base_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

Result<void> GuestMemory::write(uint64_t gpa, std::span<const uint8_t> bytes, uint64_t gpa_min,
                                uint64_t gpa_end, const char* what) {
  const uint64_t end = gpa_end < size_ ? gpa_end : size_;
  if (gpa < gpa_min || gpa > end || bytes.size() > end - gpa) {
    return fail(what, ": ", bytes.size(), " bytes at guest physical ", hex_number(gpa),
                " do not fit in [", hex_number(gpa_min), ", ", hex_number(end), ")");
  }
  if (!bytes.empty()) std::memcpy(base_ + gpa, bytes.data(), bytes.size());
  return ok();
}

}  // namespace cloister::host::kvm
