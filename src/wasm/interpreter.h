// SPDX-License-Identifier: Apache-2.0
//
// The interpreter over the internal form of ir.h. Wasm->Wasm calls do not
// recurse on the native stack: frames live in ExecState (one value stack of
// 64-bit slots and one array of return records per Store), so call depth is
// bounded by EngineLimits and ends in the trap "call stack exhausted", never
// in a host stack overflow. Only host functions that call back into Wasm
// nest native calls.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <vector>

#include "wasm/runtime.h"

namespace cloister::wasm {

// Host->Wasm re-entries that may be nested (each costs a few KiB of native
// stack); beyond it, "call stack exhausted".
inline constexpr uint32_t kMaxNativeNesting = 200;

// What a Wasm->Wasm call saves of its caller (return_pc == nullptr marks
// the function an invocation entered first).
struct CallRecord {
  const uint32_t* return_pc;
  uint64_t* fp;
  FuncInst* func;
  const uint32_t* code;
};

struct ExecState {
  explicit ExecState(const EngineLimits& limits) : limits(limits) {}

  // Allocates the value stack on first use (so creating a Store is cheap).
  void ensure_stack();

  const EngineLimits& limits;
  std::unique_ptr<uint64_t[]> stack;
  uint64_t* stack_end = nullptr;
  uint64_t* top = nullptr;               // first slot not used by a running invocation
  std::unique_ptr<CallRecord[]> frames;  // max_call_depth records
  CallRecord* frames_end = nullptr;
  CallRecord* frame_top = nullptr;  // first free record
  uint32_t native_depth = 0;        // nested execute() calls (host -> Wasm re-entry)
  bool fuel_enabled = false;
  int64_t fuel = std::numeric_limits<int64_t>::max();
};

// Runs `func` with its arguments in fp[0..params) and leaves its results in
// fp[0..results). `fp` must point into the store's value stack (at or above
// ExecState::top) with room for max(params, results) slots.
Outcome<void> execute(Store& store, FuncInst* func, uint64_t* fp);

// Replaces the operation codes at `op_starts` in compiled code by the
// interpreter's handler offsets (done once per function by the compiler).
void thread_code(std::vector<uint32_t>& code, std::span<const uint32_t> op_starts);

// Calls a host function with arguments/results in slots.
Outcome<void> call_host(Store& store, FuncInst* func, uint64_t* fp, Instance* caller);

}  // namespace cloister::wasm
