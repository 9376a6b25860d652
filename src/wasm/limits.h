// SPDX-License-Identifier: Apache-2.0
//
// Resource limits of the engine. A module from an untrusted source may declare
// absurd counts (2^32-1 functions, a billion locals, a 4 GiB memory); every
// such number is checked against these limits before anything is allocated,
// so hostile input turns into a clean error or trap instead of exhausting the
// host. The decoder and validator enforce the module-shape limits; the runtime
// enforces the execution limits (call depth, value stack, memory and table
// growth). Fuel (an instruction budget) is an execution option owned by the
// runtime, not a limit of the module, so it is not here.
//
// The defaults accept every module of the WebAssembly 2.0 spec test suite and
// every realistic program (they match or exceed the limits browsers apply, see
// the JS API spec's "implementation-defined limits"), while bounding memory use.
#pragma once

#include <cstddef>
#include <cstdint>

namespace cloister::wasm {

struct EngineLimits {
  // Largest binary accepted at all. Real-world modules are at most tens of MiB;
  // this caps the copy the decoder makes into Module::binary.
  size_t max_module_size = size_t{256} << 20;

  // Index-space sizes. Web engines use 1'000'000 for types/functions and
  // 100'000 for imports/exports; we follow them so that the same modules load.
  uint32_t max_types = 1'000'000;
  uint32_t max_functions = 1'000'000;  // imported + defined
  uint32_t max_imports = 100'000;
  uint32_t max_exports = 100'000;
  uint32_t max_globals = 1'000'000;  // imported + defined
  // Multiple tables exist since 2.0 but real modules use a handful.
  uint32_t max_tables = 100'000;
  // A module may have at most one memory in 2.0; the validator enforces that
  // rule itself ("multiple memories"), this only bounds the decoder's counts.
  uint32_t max_memories = 100'000;
  uint32_t max_elem_segments = 10'000'000;
  uint32_t max_data_segments = 100'000;

  // Function signatures: web engines use 1000 each; every call copies them.
  uint32_t max_params = 1000;
  uint32_t max_results = 1000;
  // Declared locals (after parameters) of one function. Each local is a slot
  // of the frame, so this bounds the frame the runtime must allocate per call.
  uint32_t max_locals_per_function = 50'000;
  // Bytes of one code-section entry; bounds the compiler's per-function work.
  uint32_t max_function_body_size = 7'654'321;
  // Targets of one br_table (web engines: 65520); each becomes a jump entry.
  uint32_t max_br_table_targets = 65'520;
  // Nesting depth of block/loop/if in one function. The validator's control
  // stack is a heap vector (no recursion), so this only bounds its size and
  // the compiler's label table.
  uint32_t max_block_nesting = 10'000;

  // The two limits below are NOT checked by the validator: a module that
  // declares a 4 GiB memory or a 2^32-1 element table is valid Wasm (the spec
  // suite has such modules); the runtime refuses to instantiate or grow past
  // these limits (instantiation error / memory.grow and table.grow return -1).
  //
  // Memory in 64 KiB pages: 65536 pages = 4 GiB, the most a 32-bit address
  // space can use (also the spec's hard limit). Embedders lower it to bound
  // the host memory a workload can take.
  uint32_t max_memory_pages = 65536;
  // Elements of one table (each is a reference, 8+ bytes in the runtime).
  // Web engines use 10'000'000. The decoder also bounds the item count of
  // one element segment with it.
  uint32_t max_table_elements = 10'000'000;

  // Runtime: nested Wasm calls before the trap "call stack exhausted". The
  // interpreter does not recurse on the host stack for Wasm->Wasm calls, but
  // frames still cost memory; the spec tests need a few thousand at most.
  uint32_t max_call_depth = 10'000;
  // Runtime: 64-bit value slots of the operand stack + locals of all live
  // frames together (8 MiB of slots at the default), exhausted -> the same trap.
  uint32_t max_value_stack_slots = 1u << 20;
};

}  // namespace cloister::wasm
