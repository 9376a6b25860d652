// SPDX-License-Identifier: Apache-2.0
#include "shim/paging.h"

#include "shim/layout.h"
#include "shim/page_alloc.h"
#include "shim/page_tables.h"
#include "shim/x86.h"

// Section boundaries from shim.ld (virtual addresses).
extern "C" char __text_start[], __text_end[], __rodata_start[], __rodata_end[], __data_start[],
    __stack_guard[], __shim_end[];

namespace cloister::shim {
namespace {

using sallyport::boot::kKernelBase;

constinit bool physmap_ready = false;

// Maps every guest page at kPhysmapBase + gpa with 2 MiB pages: read/write,
// never executable, so no guest data is ever run as shim code.
// (Both loops below fill whole tables with one walk each: where ring 0 is
// emulated, KVM's PVM flavour, every instruction of the boot counts.)
bool map_physmap(uint64_t memory_size) {
  uint64_t* pml4 = reinterpret_cast<uint64_t*>(phys(page_table_root()));
  uint64_t* pdpt = next_table(&pml4[table_index(kPhysmapBase, 3)], kPtePresent | kPteWrite, true);
  if (pdpt == nullptr) return false;
  constexpr uint64_t kHuge = uint64_t{2} << 20, kPerTable = 512;
  const uint64_t flags = kPtePresent | kPteWrite | kPteHuge | kPteGlobal | kPteNx;
  for (uint64_t gpa = 0; gpa < memory_size; gpa += kHuge * kPerTable) {
    uint64_t* pd =
        next_table(&pdpt[table_index(kPhysmapBase + gpa, 2)], kPtePresent | kPteWrite, true);
    if (pd == nullptr) return false;
    const uint64_t n =
        (memory_size - gpa) / kHuge < kPerTable ? (memory_size - gpa) / kHuge : kPerTable;
    for (uint64_t i = 0; i < n; ++i) pd[i] = (gpa + i * kHuge) | flags;
  }
  return true;
}

// The shim image with 4 KiB pages: code read-only and executable, rodata
// read-only, data and bss writable but not executable (W^X). The guard page
// below the boot stack stays unmapped so an overflow faults instead of
// corrupting .data.
bool map_shim_image() {
  const auto start = reinterpret_cast<uint64_t>(__text_start);
  const auto end = reinterpret_cast<uint64_t>(__shim_end);
  const auto guard = reinterpret_cast<uint64_t>(__stack_guard);
  const auto text_end = reinterpret_cast<uint64_t>(__text_end);
  const auto data_start = reinterpret_cast<uint64_t>(__data_start);
  uint64_t* pte = nullptr;
  for (uint64_t va = start; va < end; va += kPageSize) {
    // A new walk only where a new page table begins (shim.ld keeps the image
    // below 0x800000, so that is at most three times).
    if (pte == nullptr || table_index(va, 0) == 0) {
      pte = leaf_entry(va, kPtePresent | kPteWrite, true);
      if (pte == nullptr) return false;
    } else {
      ++pte;
    }
    if (va == guard) continue;
    uint64_t flags = kPtePresent | kPteGlobal;
    if (va >= text_end) flags |= kPteNx;
    if (va >= data_start) flags |= kPteWrite;
    *pte = (va - kKernelBase) | flags;
  }
  return true;
}

}  // namespace

uint8_t* phys(uint64_t gpa) {
  return reinterpret_cast<uint8_t*>((physmap_ready ? kPhysmapBase : kKernelBase) + gpa);
}

bool paging_init(uint64_t memory_size) {
  const uint64_t pml4_gpa = page_alloc();
  if (pml4_gpa == 0) return false;
  set_page_table_root(pml4_gpa);
  if (!map_physmap(memory_size) || !map_shim_image()) return false;
  // NX bits in the new tables are reserved (a fault) until EFER.NXE is set;
  // cpu_init has set it.
  x86::write_cr3(pml4_gpa);
  physmap_ready = true;
  return true;
}

void flush_user_range(uint64_t va, uint64_t len) {
  constexpr uint64_t kInvlpgMax = 8;
  if (len / kPageSize <= kInvlpgMax) {
    for (uint64_t p = va; p < va + len; p += kPageSize) x86::invlpg(p);
  } else {
    x86::write_cr3(x86::read_cr3());
  }
}

}  // namespace cloister::shim
