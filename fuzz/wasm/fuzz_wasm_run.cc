// SPDX-License-Identifier: Apache-2.0
//
// libFuzzer target: decode, validate and compile arbitrary bytes; instantiate
// them with stub imports that satisfy any import signature; then call every
// exported function with zero arguments, twice in fresh stores to check that
// execution is deterministic. Small limits and a small fuel budget keep each
// input fast and bounded; every trap, exhaustion or error is a normal
// outcome, while a crash, sanitizer report, hang or divergence is a bug.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "wasm/runtime.h"

namespace {

using namespace cloister::wasm;

EngineLimits fuzz_limits() {
  EngineLimits limits;
  limits.max_memory_pages = 16;  // 1 MiB per memory
  limits.max_table_elements = 1000;
  limits.max_call_depth = 200;
  limits.max_value_stack_slots = 1u << 16;
  limits.max_function_body_size = 64 * 1024;
  return limits;
}

constexpr uint64_t kFuelPerCall = 20'000;

// An extern of exactly the type `import` asks for: host functions return the
// zero values of their results; tables, memories and globals are fresh.
bool define_stub(Store& store, ImportMap& imports, const Module& module, const Import& import) {
  switch (import.kind) {
    case ExternKind::Func: {
      const FuncType& type = module.types.at(import.type_index);
      HostFunction fn = [](Caller&, std::span<const Value>, std::span<Value>) -> Outcome<void> {
        return {};
      };
      imports.define(import.module, import.name, store.create_host_func(type, std::move(fn)));
      return true;
    }
    case ExternKind::Table: {
      auto table = store.create_table(import.table, Value::null_ref(import.table.elem));
      if (!table) return false;
      imports.define(import.module, import.name, *table);
      return true;
    }
    case ExternKind::Memory: {
      auto memory = store.create_memory(import.memory);
      if (!memory) return false;
      imports.define(import.module, import.name, *memory);
      return true;
    }
    case ExternKind::Global: {
      auto global = store.create_global(import.global, Value::zero(import.global.type));
      if (!global) return false;
      imports.define(import.module, import.name, *global);
      return true;
    }
  }
  return false;
}

// Instantiates `module` in a fresh store and calls every exported function
// once; returns a transcript of every outcome (values bit-exact, failures by
// message), or nothing when the module cannot be instantiated.
std::string run_exports(const ModuleHandle& module, const EngineLimits& limits) {
  const Module& m = module->module();
  Store store(limits);
  ImportMap imports;
  for (const Import& import : m.imports) {
    if (!define_stub(store, imports, m, import)) return {};  // e.g. a memory above the limit
  }
  store.set_fuel(kFuelPerCall);
  auto instance = instantiate(store, module, imports.resolver());
  if (!instance) return "instantiate: " + instance.failure().message();

  std::string transcript = "instantiated\n";
  for (const auto& [name, ext] : (*instance)->exports()) {
    if (kind_of(ext) != ExternKind::Func) continue;
    FuncInst* func = std::get<FuncInst*>(ext);
    std::vector<Value> args;
    for (ValType t : func->type().params) args.push_back(Value::zero(t));
    store.set_fuel(kFuelPerCall);
    auto results = invoke(*func, args);
    transcript += name + ":";
    if (!results) {
      transcript += " " + results.failure().message() + "\n";
      continue;
    }
    // Results must have the declared types.
    const auto& types = func->type().results;
    if (results->size() != types.size()) __builtin_trap();
    for (size_t i = 0; i < types.size(); ++i) {
      const Value& v = (*results)[i];
      if (v.type() != types[i]) __builtin_trap();
      // funcref results are addresses that differ between stores: nullness only.
      transcript += " " + (v.type() == ValType::FuncRef ? std::string(v.is_null() ? "null" : "func")
                                                        : v.to_string());
    }
    transcript += " fuel left " + std::to_string(store.fuel().value_or(0)) + "\n";
  }
  return transcript;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const EngineLimits limits = fuzz_limits();
  auto module = load_module(std::span<const uint8_t>(data, size), limits);
  if (!module) return 0;
  // Execution must be deterministic: two fresh stores give the same outcomes,
  // down to NaN bits and fuel (catches reads of uninitialised memory, locals
  // or stack slots that the sanitizers do not flag).
  const std::string first = run_exports(*module, limits);
  const std::string second = run_exports(*module, limits);
  if (first != second) __builtin_trap();
  return 0;
}
