// SPDX-License-Identifier: Apache-2.0
#include "shim/cpu_tables.h"

#include <cstring>

extern "C" char boot_stack_top[], exception_stack_top[], double_fault_stack_top[];
extern "C" const uint64_t exception_stubs[32];

namespace cloister::shim {
namespace {

// The 64-bit TSS (Intel SDM vol. 3, 8.7). Only the stack pointers matter: the
// shim never switches tasks, and the I/O bitmap offset points past the end so
// ring 3 has no port access at all.
struct [[gnu::packed]] Tss {
  uint32_t reserved0;
  uint64_t rsp[3];
  uint64_t reserved1;
  uint64_t ist[7];
  uint64_t reserved2;
  uint16_t reserved3;
  uint16_t iomap_base;
};
static_assert(sizeof(Tss) == 104);

struct [[gnu::packed]] IdtGate {
  uint16_t offset_low;
  uint16_t selector;
  uint8_t ist;
  uint8_t type_attr;
  uint16_t offset_mid;
  uint32_t offset_high;
  uint32_t reserved;
};
static_assert(sizeof(IdtGate) == 16);

struct [[gnu::packed]] TablePointer {
  uint16_t limit;
  uint64_t base;
};

// Null, kernel code, kernel data, user data, user code, then the TSS (two
// slots). The user data slot comes before user code because `sysret` takes
// SS = STAR[63:48] + 8 and CS = STAR[63:48] + 16.
constinit uint64_t gdt[7] = {
    0,
    0x00AF9A000000FFFF,  // kernel code: present, DPL 0, execute/read, L=1
    0x00CF92000000FFFF,  // kernel data: present, DPL 0, read/write
    0x00CFF2000000FFFF,  // user data: present, DPL 3, read/write
    0x00AFFA000000FFFF,  // user code: present, DPL 3, execute/read, L=1
    0,
    0,
};
constinit Tss tss = {};
constinit IdtGate idt[32] = {};

// IST 1 for every exception, IST 2 for #DF, IST 3 for NMI and #MC: an
// exception from ring 3 or from a broken shim stack always lands on a good
// stack, and one arriving while another is being reported does not overwrite
// the first's frame.
uint8_t ist_for(unsigned vector) {
  if (vector == 8) return 2;
  if (vector == 2 || vector == 18) return 3;
  return 1;
}

// NMI and #MC get a small stack of their own (they are fatal too; they only
// must not share a frame with a fault being reported).
alignas(16) constinit uint8_t nmi_stack[4096] = {};

}  // namespace

void cpu_tables_init() {
  const auto tss_base = reinterpret_cast<uint64_t>(&tss);
  tss.rsp[0] = reinterpret_cast<uint64_t>(boot_stack_top);
  tss.ist[0] = reinterpret_cast<uint64_t>(exception_stack_top);
  tss.ist[1] = reinterpret_cast<uint64_t>(double_fault_stack_top);
  tss.ist[2] = reinterpret_cast<uint64_t>(nmi_stack + sizeof(nmi_stack));
  tss.iomap_base = sizeof(Tss);
  // 64-bit available TSS descriptor (type 9, present), 16 bytes.
  const uint64_t limit = sizeof(Tss) - 1;
  gdt[5] = (limit & 0xFFFF) | ((tss_base & 0xFFFFFF) << 16) | (uint64_t{0x89} << 40) |
           ((tss_base >> 24 & 0xFF) << 56);
  gdt[6] = tss_base >> 32;

  for (unsigned v = 0; v < 32; ++v) {
    const uint64_t handler = exception_stubs[v];
    idt[v].offset_low = static_cast<uint16_t>(handler);
    idt[v].selector = kKernelCs;
    idt[v].ist = ist_for(v);
    // Present, DPL 0 (so `int N` from ring 3 is a #GP, not a way in), 64-bit
    // interrupt gate (IF stays clear in the handler).
    idt[v].type_attr = 0x8E;
    idt[v].offset_mid = static_cast<uint16_t>(handler >> 16);
    idt[v].offset_high = static_cast<uint32_t>(handler >> 32);
  }

  const TablePointer gdtr{sizeof(gdt) - 1, reinterpret_cast<uint64_t>(gdt)};
  const TablePointer idtr{sizeof(idt) - 1, reinterpret_cast<uint64_t>(idt)};
  asm volatile(
      "lgdt %0\n"
      // Reload CS with a far return, then the data segments.
      "pushq %1\n"
      "leaq 1f(%%rip), %%rax\n"
      "pushq %%rax\n"
      "lretq\n"
      "1:\n"
      "movw %w2, %%ax\n"
      "movw %%ax, %%ds\n"
      "movw %%ax, %%es\n"
      "movw %%ax, %%ss\n"
      "xorl %%eax, %%eax\n"
      "movw %%ax, %%fs\n"
      "movw %%ax, %%gs\n"
      "ltr %w3\n"
      "lidt %4\n"
      :
      : "m"(gdtr), "i"(kKernelCs), "r"(kKernelDs), "r"(kTss), "m"(idtr)
      : "rax", "memory");
}

}  // namespace cloister::shim
