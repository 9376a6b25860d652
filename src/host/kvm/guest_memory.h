// SPDX-License-Identifier: Apache-2.0
//
// A keep's RAM: one anonymous private mapping, guest physical 0 .. size.
// Pages are committed only when touched (MAP_NORESERVE), so a 1 GiB keep
// costs what the workload uses.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "base/result.h"

namespace cloister::host::kvm {

inline constexpr uint64_t kTwoMiB = uint64_t{2} << 20;
inline constexpr uint64_t kMinGuestMemory = uint64_t{32} << 20;
// The guest's single memory slot ends below 4 GiB, where Intel's real-mode
// TSS and identity-map pages live (vm.h); the configuration allows 3 GiB.
inline constexpr uint64_t kMaxGuestMemory = uint64_t{3} << 30;

// `requested`, or an error unless it is a multiple of 2 MiB (the boot tables
// use 2 MiB pages) in [32 MiB, 3 GiB].
Result<uint64_t> guest_memory_size(uint64_t requested);

class GuestMemory {
 public:
  static Result<GuestMemory> create(uint64_t size);
  GuestMemory() = default;
  ~GuestMemory();
  GuestMemory(GuestMemory&& other) noexcept;
  GuestMemory& operator=(GuestMemory&& other) noexcept;
  GuestMemory(const GuestMemory&) = delete;
  GuestMemory& operator=(const GuestMemory&) = delete;

  uint8_t* base() const { return base_; }
  uint64_t size() const { return size_; }
  // Copies `bytes` to guest physical `gpa`; fails (naming `what`) unless the
  // whole range lies inside [gpa_min, gpa_end) and guest memory.
  Result<void> write(uint64_t gpa, std::span<const uint8_t> bytes, uint64_t gpa_min,
                     uint64_t gpa_end, const char* what);

 private:
  uint8_t* base_ = nullptr;
  uint64_t size_ = 0;
};

}  // namespace cloister::host::kvm
