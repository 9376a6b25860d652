// SPDX-License-Identifier: Apache-2.0
//
// WASI preview 1 (`wasi_snapshot_preview1`) for the engine in src/wasm: the
// module's arguments, environment and file descriptors, and every function of
// the preview 1 interface, implemented with Linux system calls inside the
// keep. The keep program builds a WasiContext from what the host granted and
// runs the module's `_start` with run_command. See docs/wasi.md.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/unique_fd.h"
#include "wasi/abi.h"
#include "wasi/fd_table.h"
#include "wasm/runtime.h"

namespace cloister::wasi {

// One descriptor given to the module, at the WASI number equal to its index
// in WasiSetup::fds.
struct GrantedFd {
  UniqueFd host;
  // Non-empty for a preopened directory: the path the module sees it under
  // (fd_prestat_dir_name).
  std::string preopen;
  // A preopened directory the module may only read.
  bool read_only = false;
  // A listening socket (sock_accept) rather than a connected one.
  bool is_listener = false;
};

struct WasiSetup {
  std::vector<std::string> args;  // argv, including argv[0]
  std::vector<std::string> env;   // "KEY=value", the complete environment
  std::vector<GrantedFd> fds;
};

class WasiContext {
 public:
  // Takes ownership of the descriptors. Fails when one is not open.
  static Result<std::unique_ptr<WasiContext>> create(WasiSetup setup);

  const std::vector<std::string>& args() const { return args_; }
  const std::vector<std::string>& env() const { return env_; }
  FdTable& fds() { return fds_; }

 private:
  WasiContext() = default;
  std::vector<std::string> args_;
  std::vector<std::string> env_;
  FdTable fds_;
};

// Defines every wasi_snapshot_preview1 function in `imports` as a host
// function of `store` bound to `ctx` (which must outlive the store's use).
void define_wasi_imports(wasm::Store& store, WasiContext& ctx, wasm::ImportMap& imports);

// The names of all implemented functions, in registration order.
std::vector<std::string> wasi_function_names();

// Calls one WASI function directly with `memory` as the guest memory (for
// tests and benchmarks). An unknown name is a Failure::error.
wasm::Outcome<Errno> call_wasi(WasiContext& ctx, wasm::MemoryInst* memory, std::string_view name,
                               std::span<const wasm::Value> args);

// Runs a WASI command module: instantiates it with the WASI imports (any other
// import is a link error naming it), checks it exports `memory` and `_start`,
// and calls `_start`. Returns the exit code (proc_exit's code, or 0 when
// `_start` returns) or the Failure that ended it (trap, exhaustion, link).
wasm::Outcome<int32_t> run_command(const wasm::ModuleHandle& module, WasiContext& ctx,
                                   const wasm::EngineLimits& limits = {});

}  // namespace cloister::wasi
