// SPDX-License-Identifier: Apache-2.0
//
// The boot stage: puts the shim, the keep program, BootInfo and the boot
// page tables into guest memory and sets the vCPU's entry state, exactly as
// src/sallyport/boot.h specifies.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "base/result.h"
#include "host/kvm/elf_image.h"
#include "host/kvm/guest_memory.h"
#include "host/kvm/vm.h"

namespace cloister::host::kvm {

// Copies the shim's PT_LOAD segments to their p_paddr, which must lie in
// [kShimGpa, kShimEnd) with p_vaddr = kKernelBase + p_paddr; checks that the
// entry point is inside them. Returns the entry point (a virtual address).
Result<uint64_t> load_shim(GuestMemory& memory, const ElfImage& shim);

// Writes BootInfo (the keep program's `keep_elf_size` bytes are already at
// kKeepElfGpa; `features` are boot::kFeature* bits) and the boot page tables.
Result<void> write_boot_info(GuestMemory& memory, uint64_t keep_elf_size, uint64_t open_fds,
                             uint64_t features);

// 64-bit long mode at `entry` with RDI = the BootInfo's address.
Result<void> set_entry_state(Vcpu& vcpu, uint64_t entry);

}  // namespace cloister::host::kvm
