// SPDX-License-Identifier: Apache-2.0
#include "host/kvm/exit_report.h"

#include <iterator>

#include "host/kvm/hex_number.h"

namespace cloister::host::kvm {
namespace {

// Intel SDM vol. 3, table 6-1 (the architecturally defined vectors).
constexpr const char* kNames[] = {
    "divide error (#DE)",
    "debug exception (#DB)",
    "non-maskable interrupt (NMI)",
    "breakpoint (#BP)",
    "overflow (#OF)",
    "bound range exceeded (#BR)",
    "invalid opcode (#UD)",
    "device not available (#NM)",
    "double fault (#DF)",
    "coprocessor segment overrun",
    "invalid TSS (#TS)",
    "segment not present (#NP)",
    "stack-segment fault (#SS)",
    "general protection fault (#GP)",
    "page fault (#PF)",
    "reserved vector 15",
    "x87 floating-point error (#MF)",
    "alignment check (#AC)",
    "machine check (#MC)",
    "SIMD floating-point exception (#XM)",
    "virtualization exception (#VE)",
    "control protection exception (#CP)",
};

}  // namespace

std::string exception_name(uint64_t vector) {
  if (vector < std::size(kNames)) return kNames[vector];
  if (vector < 32) return "reserved vector " + std::to_string(vector);
  return "interrupt " + std::to_string(vector);
}

std::string fault_message(uint64_t vector, uint64_t error_code, uint64_t rip, uint64_t cr2,
                          uint64_t cs) {
  return "cloister: keep fault: " + exception_name(vector) + " (vector " + std::to_string(vector) +
         ") at rip " + hex_number(rip) + ", address " + hex_number(cr2) + " (error code " +
         hex_number(error_code) + ", ring " + std::to_string(cs & 3) + ")";
}

}  // namespace cloister::host::kvm
