// SPDX-License-Identifier: Apache-2.0
#include "host/kvm/boot_state.h"

#include <cstring>

#include "host/kvm/hex_number.h"
#include "sallyport/boot.h"

namespace cloister::host::kvm {
namespace {

namespace boot = cloister::sallyport::boot;

constexpr uint64_t kPageSize = 4096;
constexpr uint64_t kOneGiB = uint64_t{1} << 30;

// Page-table entry bits (Intel SDM vol. 3, 4.5).
constexpr uint64_t kPtePresent = 1 << 0;
constexpr uint64_t kPteWritable = 1 << 1;
constexpr uint64_t kPteLargePage = 1 << 7;

// kKernelBase = 0xFFFFFFFF80000000 is PML4 slot 511, PDPT slot 510: one
// page directory of 2 MiB pages covers the first GiB.
constexpr uint64_t kPml4Gpa = boot::kBootTablesGpa;
constexpr uint64_t kPdptGpa = kPml4Gpa + kPageSize;
constexpr uint64_t kPdGpa = kPdptGpa + kPageSize;
constexpr unsigned kKernelPml4Slot = (boot::kKernelBase >> 39) & 511;
constexpr unsigned kKernelPdptSlot = (boot::kKernelBase >> 30) & 511;
static_assert(kPdGpa + kPageSize <= boot::kBootTablesEnd);
static_assert(kKernelPml4Slot == 511 && kKernelPdptSlot == 510);

// Control register bits for the entry state (boot.h).
constexpr uint64_t kCr0Pe = 1 << 0, kCr0Mp = 1 << 1, kCr0Et = 1 << 4, kCr0Ne = 1 << 5,
                   kCr0Wp = 1 << 16, kCr0Pg = uint64_t{1} << 31;
constexpr uint64_t kCr4Pae = 1 << 5;
constexpr uint64_t kEferLme = 1 << 8, kEferLma = 1 << 10;

constexpr uint16_t kCodeSelector = 0x08;
constexpr uint16_t kDataSelector = 0x10;

void put_u64(uint8_t* at, uint64_t v) {
  std::memcpy(at, &v, sizeof v);
}

kvm_segment flat_segment(uint16_t selector, bool code) {
  kvm_segment s{};
  s.base = 0;
  s.limit = 0xffffffff;
  s.selector = selector;
  s.type = code ? 11 : 3;  // execute/read, accessed : read/write, accessed
  s.present = 1;
  s.dpl = 0;
  s.db = code ? 0 : 1;  // a 64-bit code segment has D = 0
  s.s = 1;
  s.l = code ? 1 : 0;
  s.g = 1;
  return s;
}

}  // namespace

Result<uint64_t> load_shim(GuestMemory& memory, const ElfImage& shim) {
  bool entry_loaded = false;
  for (const ElfSegment& seg : shim.loads) {
    if (seg.paddr < boot::kShimGpa || seg.paddr > boot::kShimEnd ||
        seg.memsz > boot::kShimEnd - seg.paddr) {
      return fail("the shim: a segment at physical ", hex_number(seg.paddr), " (", seg.memsz,
                  " bytes) lies outside [", hex_number(boot::kShimGpa), ", ",
                  hex_number(boot::kShimEnd), ")");
    }
    if (seg.vaddr != boot::kKernelBase + seg.paddr) {
      return fail("the shim: the segment at physical ", hex_number(seg.paddr), " is linked at ",
                  hex_number(seg.vaddr), ", not kKernelBase + its address");
    }
    // The bytes past p_filesz (.bss) are already zero: guest memory is
    // fresh anonymous memory.
    CLOISTER_TRY(
        memory.write(seg.paddr, seg.file_bytes, boot::kShimGpa, boot::kShimEnd, "the shim"));
    if (shim.entry >= seg.vaddr && shim.entry - seg.vaddr < seg.memsz) entry_loaded = true;
  }
  if (!entry_loaded) {
    return fail("the shim: its entry point ", hex_number(shim.entry), " is in no loaded segment");
  }
  return shim.entry;
}

Result<void> write_boot_info(GuestMemory& memory, uint64_t keep_elf_size, uint64_t open_fds,
                             uint64_t features) {
  boot::BootInfo info{};
  info.magic = boot::kBootMagic;
  info.version = boot::kBootVersion;
  info.memory_size = memory.size();
  info.keep_elf_gpa = boot::kKeepElfGpa;
  info.keep_elf_size = keep_elf_size;
  info.free_gpa = (boot::kKeepElfGpa + keep_elf_size + kPageSize - 1) & ~(kPageSize - 1);
  info.open_fds = open_fds;
  info.features = features;
  if (info.free_gpa >= memory.size()) {
    return fail("the keep program (", keep_elf_size, " bytes) leaves no free memory in a ",
                memory.size() >> 20, " MiB keep");
  }
  CLOISTER_TRY(memory.write(boot::kBootInfoGpa,
                            std::span(reinterpret_cast<const uint8_t*>(&info), sizeof info),
                            boot::kBootInfoGpa, boot::kBootTablesGpa, "BootInfo"));

  uint8_t* const ram = memory.base();
  put_u64(ram + kPml4Gpa + 8 * kKernelPml4Slot, kPdptGpa | kPtePresent | kPteWritable);
  put_u64(ram + kPdptGpa + 8 * kKernelPdptSlot, kPdGpa | kPtePresent | kPteWritable);
  const uint64_t mapped = memory.size() < kOneGiB ? memory.size() : kOneGiB;
  for (uint64_t i = 0; i < mapped / kTwoMiB; ++i) {
    put_u64(ram + kPdGpa + 8 * i, i * kTwoMiB | kPtePresent | kPteWritable | kPteLargePage);
  }
  return ok();
}

Result<void> set_entry_state(Vcpu& vcpu, uint64_t entry) {
  // Starting from the vCPU's reset state keeps TR and LDTR as KVM made them
  // (valid for VM entry); everything boot.h promises is set here.
  CLOISTER_TRY_ASSIGN(kvm_sregs sregs, vcpu.sregs());
  sregs.cs = flat_segment(kCodeSelector, true);
  sregs.ds = sregs.es = sregs.fs = sregs.gs = sregs.ss = flat_segment(kDataSelector, false);
  sregs.cr0 = kCr0Pe | kCr0Mp | kCr0Et | kCr0Ne | kCr0Wp | kCr0Pg;
  sregs.cr3 = kPml4Gpa;
  sregs.cr4 = kCr4Pae;
  sregs.efer = kEferLme | kEferLma;
  sregs.idt = {};  // no IDT: an exception before the shim loads its own is a triple fault
  sregs.gdt = {};
  CLOISTER_TRY(vcpu.set_sregs(sregs));

  kvm_regs regs{};
  regs.rip = entry;
  regs.rdi = boot::kBootInfoGpa;
  regs.rflags = 0x2;  // bit 1 is always set; IF = 0
  return vcpu.set_regs(regs);
}

}  // namespace cloister::host::kvm
