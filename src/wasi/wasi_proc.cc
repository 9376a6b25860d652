// SPDX-License-Identifier: Apache-2.0
//
// proc_exit, proc_raise and sched_yield.
#include <sched.h>

#include "wasi/call.h"

namespace cloister::wasi {
namespace {

// proc_exit(code): ends the program. It returns nothing to the module; the
// Failure unwinds out of the engine and run_command turns it into the exit
// code.
wasm::Outcome<Errno> proc_exit(WasiCall& c) {
  return wasm::Failure::exit(static_cast<int32_t>(c.u32(0)));
}

// proc_raise(signal): the keep has no signals to deliver to the module (the
// function is gone from later WASI versions); issue 4 asks for ENOSYS.
wasm::Outcome<Errno> proc_raise(WasiCall&) {
  return Errno::NoSys;
}

// sched_yield(): gives up the CPU (inside the keep, to other vCPU work).
wasm::Outcome<Errno> sched_yield(WasiCall&) {
  ::sched_yield();
  return Errno::Success;
}

}  // namespace

void register_proc(WasiRegistry& r) {
  r.add("proc_exit", "i", &proc_exit, /*returns_errno=*/false);
  r.add("proc_raise", "i", &proc_raise);
  r.add("sched_yield", "", &sched_yield);
}

}  // namespace cloister::wasi
