// SPDX-License-Identifier: Apache-2.0
//
// How the VMM hands a KVM keep to the shim: where things are in guest
// physical memory, the BootInfo record, and the CPU state at the shim's entry.
// Shared by the host (src/host/kvm*) and the shim (freestanding).
//
// Guest physical layout (one memory slot from GPA 0, BootInfo.memory_size):
//   0x000000  unused (never mapped: catches null pointers in the shim)
//   0x001000  BootInfo (one page, written by the host)
//   0x002000  boot page tables (host-built, up to kBootTablesEnd)
//   0x100000  the sallyport block (sallyport::kBlockSize, shared with the host)
//   0x200000  the shim's ELF segments, at their p_paddr (< kShimEnd)
//   0x800000  the keep program's ELF file, as bytes (BootInfo.keep_elf_*)
//   BootInfo.free_gpa .. memory_size: the shim's to allocate
//
// Entry state (set by the VMM with KVM_SET_SREGS/KVM_SET_REGS; docs/kvm.md
// says why and what SEV-SNP/TDX need instead): 64-bit long mode, CR0 =
// PE|MP|ET|NE|WP|PG, CR4 = PAE, EFER = LME|LMA, CS a flat 64-bit ring-0 code
// segment, DS/ES/SS flat data, CR3 = boot tables that map virtual
// kKernelBase + x to physical x for x in [0, min(1 GiB, memory_size)) with
// 2 MiB pages (writable, executable), RIP = the shim ELF's e_entry, RDI = the
// GPA of BootInfo, RFLAGS = 0x2, interrupts off, no IDT. The shim loads its own
// GDT, IDT, TSS and page tables before anything else.
#pragma once

#include <cstdint>

namespace cloister::sallyport::boot {

inline constexpr uint64_t kBootInfoGpa = 0x1000;
inline constexpr uint64_t kBootTablesGpa = 0x2000;
inline constexpr uint64_t kBootTablesEnd = 0x10000;
inline constexpr uint64_t kBlockGpa = 0x100000;
inline constexpr uint64_t kShimGpa = 0x200000;
inline constexpr uint64_t kShimEnd = 0x800000;
inline constexpr uint64_t kKeepElfGpa = 0x800000;

// The shim is linked to run at kKernelBase + its physical address.
inline constexpr uint64_t kKernelBase = 0xFFFFFFFF80000000;

inline constexpr uint64_t kBootMagic = 0x544f4f4254534c43;  // "CLSTBOOT"
inline constexpr uint32_t kBootVersion = 1;

struct BootInfo {
  uint64_t magic;    // kBootMagic
  uint32_t version;  // kBootVersion
  uint32_t reserved;
  uint64_t memory_size;    // bytes of guest RAM, from GPA 0 (multiple of 2 MiB)
  uint64_t keep_elf_gpa;   // the keep program's ELF file
  uint64_t keep_elf_size;  // its length in bytes
  uint64_t free_gpa;       // first free page after the keep ELF (page aligned)
  // Guest fds 0 .. open_fds-1 are open when the keep starts (stdio, the
  // launch message at 3, then the granted descriptors).
  uint64_t open_fds;
  // kFeature* bits: what this host offers beyond the block.
  uint64_t features;
};

// The host can read and write guest memory anyway (kvm, not confidential), so
// the shim may pass I/O buffers by address (sallyport::kOpDirect) instead of
// copying them through the block. Never set for confidential keeps.
inline constexpr uint64_t kFeatureDirectIo = 1;

}  // namespace cloister::sallyport::boot
