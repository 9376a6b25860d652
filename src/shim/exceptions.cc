// SPDX-License-Identifier: Apache-2.0
//
// CPU exceptions. The keep program gets no signals, so any exception (a page
// fault on an unmapped address, #GP, #UD, a divide error, ...) ends the keep:
// the host prints the vector, RIP and fault address and exits with a
// distinct status. A fault inside the shim is reported the same way (CS says
// which ring).
#include <cstdint>

#include "shim/host_channel.h"
#include "shim/panic.h"
#include "shim/x86.h"

namespace cloister::shim {
namespace {

// What the stubs in entry.S and the CPU leave on the stack.
struct ExceptionFrame {
  uint64_t vector;
  uint64_t error_code;
  uint64_t rip;
  uint64_t cs;
  uint64_t rflags;
  uint64_t rsp;
  uint64_t ss;
};

constinit bool reporting = false;

struct [[gnu::packed]] NullIdt {
  uint16_t limit;
  uint64_t base;
};

}  // namespace

void triple_fault() {
  // With an empty IDT the next exception cannot be delivered, nor can the
  // #DF that follows: the CPU shuts down and KVM hands the VMM a shutdown exit.
  static constexpr NullIdt kNull{0, 0};
  asm volatile("lidt %0\n ud2" ::"m"(kNull));
  __builtin_unreachable();
}

void boot_failure(const char* what) {
  host_log(what);
  host_exit(125);
}

extern "C" [[noreturn]] void exception_handler(const ExceptionFrame* frame) {
  // A fault while reporting one (the block unmapped, the stack gone) must not
  // recurse forever.
  if (reporting) triple_fault();
  reporting = true;
  const uint64_t cr2 = frame->vector == 14 ? x86::read_cr2() : 0;
  host_fault(frame->vector, frame->error_code, frame->rip, cr2, frame->cs, frame->rsp);
}

}  // namespace cloister::shim
