// SPDX-License-Identifier: Apache-2.0
//
// Internal: how each WASI function is written and registered. A handler gets
// its arguments, the WasiContext and the caller's memory, and returns the
// errno (or a Failure, e.g. proc_exit's Failure::exit).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "wasi/guest_memory.h"
#include "wasi/wasi.h"
#include "wasm/runtime.h"

namespace cloister::wasi {

struct WasiCall {
  WasiContext& ctx;
  GuestMemory mem;
  std::span<const wasm::Value> args;

  uint32_t u32(size_t i) const { return args[i].i32(); }
  uint64_t u64(size_t i) const { return args[i].i64(); }
};

using WasiHandler = wasm::Outcome<Errno> (*)(WasiCall& call);

struct WasiFunction {
  std::string name;
  // One character per parameter: 'i' = i32, 'I' = i64.
  std::string params;
  // Whether the function returns the i32 errno (all but proc_exit).
  bool returns_errno = true;
  WasiHandler handler = nullptr;
};

class WasiRegistry {
 public:
  void add(std::string_view name, std::string_view params, WasiHandler handler,
           bool returns_errno = true) {
    functions_.push_back({std::string(name), std::string(params), returns_errno, handler});
  }
  const std::vector<WasiFunction>& functions() const { return functions_; }

 private:
  std::vector<WasiFunction> functions_;
};

// Every WASI function, registered once.
const WasiRegistry& wasi_registry();

// Each group registers its functions (one file each).
void register_args_environ(WasiRegistry& r);  // wasi_args.cc
void register_clock(WasiRegistry& r);         // wasi_clock.cc
void register_random(WasiRegistry& r);        // wasi_random.cc
void register_proc(WasiRegistry& r);          // wasi_proc.cc: proc_exit/raise, sched_yield
void register_poll(WasiRegistry& r);          // wasi_poll.cc
void register_sock(WasiRegistry& r);          // wasi_sock.cc
void register_fd_io(WasiRegistry& r);         // wasi_fd_io.cc
void register_fd_meta(WasiRegistry& r);       // wasi_fd_meta.cc
void register_fd_readdir(WasiRegistry& r);    // wasi_fd_readdir.cc
void register_path(WasiRegistry& r);          // wasi_path*.cc

}  // namespace cloister::wasi
