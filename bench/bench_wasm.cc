// SPDX-License-Identifier: Apache-2.0
//
// Benchmarks of the WebAssembly engine:
//  - front end: decode+validate (and load = +compile) throughput in bytes/s of
//    a large generated module (many functions with a realistic instruction mix);
//  - interpreter: classic kernels from bench/wasm/*.wat (committed .wasm),
//    each checked against the result WABT's reference interpreter computes.
//    Besides time, "instr/s" reports executed Wasm instructions per second,
//    counted once per kernel with the engine's fuel meter (about one unit per
//    instruction), then timed without fuel.

#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <vector>

#include "base/file.h"
#include "large_module.h"
#include "wasm/decoder.h"
#include "wasm/runtime.h"
#include "wasm/validator.h"

namespace cloister::wasm {
namespace {

const std::vector<uint8_t>& large_module() {
  static const std::vector<uint8_t> m = bench::make_large_module(20'000, 4);
  return m;
}

void BM_DecodeValidate(benchmark::State& state) {
  const auto& bytes = large_module();
  for (auto _ : state) {
    auto module = decode_module(bytes);
    if (!module) {
      state.SkipWithError(module.error().message().c_str());
      return;
    }
    auto valid = validate_module(*module);
    if (!valid) {
      state.SkipWithError(valid.error().message().c_str());
      return;
    }
    benchmark::DoNotOptimize(module);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes.size()));
  state.counters["module_bytes"] = static_cast<double>(bytes.size());
}
BENCHMARK(BM_DecodeValidate)->Unit(benchmark::kMillisecond);

void BM_LoadModule(benchmark::State& state) {
  const auto& bytes = large_module();
  for (auto _ : state) {
    auto module = load_module(bytes);
    if (!module) {
      state.SkipWithError(module.error().message().c_str());
      return;
    }
    benchmark::DoNotOptimize(module);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes.size()));
}
BENCHMARK(BM_LoadModule)->Unit(benchmark::kMillisecond);

// ---------------------------------------------------------------------------
// Interpreter kernels.

struct Kernel {
  const char* file;   // in bench/wasm/
  const char* setup;  // export called once before timing (or nullptr)
  const char* entry;  // timed export
  std::vector<Value> args;
  Value expected;  // from WABT 1.0.32's spectest-interp on the same module
};

void run_kernel(benchmark::State& state, const Kernel& k) {
  auto bytes = read_file(std::string(CLOISTER_SOURCE_DIR) + "/bench/wasm/" + k.file);
  if (!bytes) return state.SkipWithError(bytes.error().message().c_str());
  auto module = load_module(*bytes);
  if (!module) return state.SkipWithError(module.error().message().c_str());
  Store store;
  ImportMap none;
  auto instance = instantiate(store, *module, none.resolver());
  if (!instance) return state.SkipWithError(instance.failure().message().c_str());
  if (k.setup) {
    auto r = invoke(**instance, k.setup, k.args);
    if (!r) return state.SkipWithError(r.failure().message().c_str());
  }
  // Count executed instructions once, with the fuel meter.
  constexpr uint64_t kBudget = uint64_t{1} << 62;
  store.set_fuel(kBudget);
  auto counted = invoke(**instance, k.entry, k.args);
  if (!counted) return state.SkipWithError(counted.failure().message().c_str());
  const uint64_t instructions = kBudget - store.fuel().value_or(kBudget);
  store.set_fuel(std::nullopt);

  for (auto _ : state) {
    auto r = invoke(**instance, k.entry, k.args);
    if (!r || r->size() != 1 || (*r)[0] != k.expected) {
      std::string got = r ? (r->empty() ? "nothing" : (*r)[0].to_string()) : r.failure().message();
      return state.SkipWithError(
          ("wrong result " + got + ", expected " + k.expected.to_string()).c_str());
    }
  }
  state.counters["instructions"] = static_cast<double>(instructions);
  state.counters["instr/s"] = benchmark::Counter(static_cast<double>(instructions),
                                                 benchmark::Counter::kIsIterationInvariantRate);
}

void BM_Fib30(benchmark::State& state) {
  run_kernel(state, {"fib.wasm", nullptr, "fib", {Value::i32(30)}, Value::i32(832040)});
}
void BM_Sieve1M(benchmark::State& state) {
  run_kernel(state, {"sieve.wasm", nullptr, "sieve", {Value::i32(1'000'000)}, Value::i32(78498)});
}
void BM_MatMul64(benchmark::State& state) {
  run_kernel(state, {"matmul.wasm", "init", "matmul", {Value::i32(64)}, Value::f64(24570.0)});
}
void BM_MemCopy64K(benchmark::State& state) {
  run_kernel(
      state,
      {"memcpy.wasm", nullptr, "copy", {Value::i32(65536), Value::i32(16)}, Value::i32(133693440)});
}
void BM_Calls1M(benchmark::State& state) {
  run_kernel(state, {"calls.wasm", nullptr, "calls", {Value::i32(1'000'000)}, Value::i32(127)});
}
BENCHMARK(BM_Fib30)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Sieve1M)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_MatMul64)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_MemCopy64K)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Calls1M)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace cloister::wasm

BENCHMARK_MAIN();
