// SPDX-License-Identifier: Apache-2.0
//
// The shim's page tables: building them at boot (physmap + shim image), and
// walking/editing the user half for the ELF loader, the memory syscalls and
// user_access.
#pragma once

#include <cstdint>

namespace cloister::shim {

// Page-table entry bits (Intel SDM vol. 3, 4.5).
inline constexpr uint64_t kPtePresent = 1u << 0;
inline constexpr uint64_t kPteWrite = 1u << 1;
inline constexpr uint64_t kPteUser = 1u << 2;
inline constexpr uint64_t kPteHuge = 1u << 7;
inline constexpr uint64_t kPteGlobal = 1u << 8;
// Software bit (ignored by the CPU): a user page that exists but is
// PROT_NONE, so it is not present. It keeps its frame so mprotect can bring
// it back with its contents.
inline constexpr uint64_t kPteNoAccess = 1u << 9;
inline constexpr uint64_t kPteNx = uint64_t{1} << 63;
inline constexpr uint64_t kPteFrame = 0x000FFFFFFFFFF000;

// A guest physical address as a shim pointer: through the physmap once
// paging_init has run, through the VMM's boot mapping (first GiB) before.
uint8_t* phys(uint64_t gpa);

// Builds the shim's own tables (physmap of `memory_size` bytes, the shim image
// with per-section permissions, an empty user half) and switches to them.
// Returns false if it ran out of pages.
bool paging_init(uint64_t memory_size);

// The 4 KiB leaf entry for user address `va` (page_tables.cc), or null if its
// tables do not exist and `create` is false (or no page was left for them).
// A 2 MiB page in the way is split first; lookups that must not change the
// tables use user_lookup (page_tables.h).
uint64_t* user_pte(uint64_t va, bool create);

// Whether an entry describes a page of the keep program (present or PROT_NONE).
inline bool pte_mapped(uint64_t pte) {
  return (pte & (kPtePresent | kPteNoAccess)) != 0;
}

// Drops stale translations after entries changed (single vCPU: no
// shootdown): INVLPG per page for a few pages, else one CR3 reload (user
// pages are not global, so it drops them all, and the paging-structure
// caches too). Callers change a whole range first and flush once: on KVM's
// PVM flavour every INVLPG is an emulated shadow-page-table operation.
void flush_user_range(uint64_t va, uint64_t len);

}  // namespace cloister::shim
