// SPDX-License-Identifier: Apache-2.0
//
// Tests of the embedding API and the interpreter on small modules built in
// the test (module_builder.h): calls, traps with their location, host
// functions (memory access, traps, exits, re-entry), linking errors,
// instantiation traps, globals, fuel and call-depth exhaustion.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "module_builder.h"
#include "wasm/decoder.h"
#include "wasm/runtime.h"
#include "wasm/validator.h"

namespace cloister::wasm {
namespace {

using testing::Bytes;
using testing::code;
using testing::ModuleBuilder;
using testing::op;
constexpr ValType I32 = ValType::I32;
constexpr ValType I64 = ValType::I64;

ModuleHandle load(const Bytes& bytes, const EngineLimits& limits = {}) {
  auto m = load_module(bytes, limits);
  EXPECT_TRUE(m.has_value()) << (m ? "" : m.error().message());
  return m ? *m : nullptr;
}

Instance* instantiate_ok(Store& store, const ModuleHandle& m, const ImportMap& imports = {}) {
  auto r = instantiate(store, m, imports.resolver());
  EXPECT_TRUE(r.has_value()) << (r ? "" : r.failure().message());
  return r ? *r : nullptr;
}

TEST(Runtime, AddsAndReturnsMultipleValues) {
  ModuleBuilder b;
  const uint32_t t = b.type({I32, I32}, {I32, I32});
  // (a, b) -> (a + b, a - b)
  b.func(t, {},
         code({testing::local_get(0), testing::local_get(1), op({0x6a}), testing::local_get(0),
               testing::local_get(1), op({0x6b})}),
         "addsub");
  Store store;
  Instance* inst = instantiate_ok(store, load(b.build()));
  ASSERT_NE(inst, nullptr);
  const Value args[] = {Value::i32(7), Value::i32(10)};
  auto r = invoke(*inst, "addsub", args);
  ASSERT_TRUE(r.has_value()) << r.failure().message();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0], Value::i32(17));
  EXPECT_EQ((*r)[1], Value::i32(static_cast<uint32_t>(-3)));
}

TEST(Runtime, TrapCarriesKindFunctionNameAndOffset) {
  ModuleBuilder b;
  const uint32_t t = b.type({I32}, {I32});
  b.func(t, {}, code({testing::i32_const(100), testing::local_get(0), op({0x6d})}), "div",
         "divide");
  const Bytes bin = b.build();
  Store store;
  Instance* inst = instantiate_ok(store, load(bin));
  ASSERT_NE(inst, nullptr);
  const Value args[] = {Value::i32(0)};
  auto r = invoke(*inst, "div", args);
  ASSERT_FALSE(r.has_value());
  const Failure& f = r.failure();
  EXPECT_EQ(f.kind, FailureKind::Trap);
  EXPECT_EQ(f.trap, TrapKind::IntegerDivideByZero);
  EXPECT_EQ(f.reason, "integer divide by zero");
  ASSERT_TRUE(f.func_index.has_value());
  EXPECT_EQ(*f.func_index, 0u);
  EXPECT_EQ(f.func_name, "divide");
  ASSERT_TRUE(f.offset.has_value());
  ASSERT_LT(*f.offset, bin.size());
  EXPECT_EQ(bin[*f.offset], 0x6d) << "the offset names the i32.div_s opcode";

  const Value overflow[] = {Value::i32(0xffffffffu)};
  auto ok = invoke(*inst, "div", overflow);
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ((*ok)[0], Value::i32(static_cast<uint32_t>(-100)));
}

TEST(Runtime, SignedDivisionOverflowTraps) {
  ModuleBuilder b;
  const uint32_t t = b.type({I64, I64}, {I64});
  b.func(t, {}, code({testing::local_get(0), testing::local_get(1), op({0x7f})}), "div");
  Store store;
  Instance* inst = instantiate_ok(store, load(b.build()));
  ASSERT_NE(inst, nullptr);
  const Value args[] = {Value::i64(0x8000000000000000ull), Value::i64(~0ull)};
  auto r = invoke(*inst, "div", args);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.failure().trap, TrapKind::IntegerOverflow);
  EXPECT_EQ(r.failure().reason, "integer overflow");
}

TEST(Runtime, ArgumentMismatchIsAnErrorNotATrap) {
  ModuleBuilder b;
  b.func(b.type({I32}, {}), {}, {}, "f");
  Store store;
  Instance* inst = instantiate_ok(store, load(b.build()));
  ASSERT_NE(inst, nullptr);
  const Value args[] = {Value::i64(1)};
  auto r = invoke(*inst, "f", args);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.failure().kind, FailureKind::Error);
  auto missing = invoke(*inst, "nope", {});
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.failure().kind, FailureKind::Error);
}

TEST(Runtime, HostFunctionReadsCallerMemoryAndReturnsValues) {
  ModuleBuilder b;
  const uint32_t host_t = b.type({I32, I32}, {I32});
  const uint32_t host = b.import_func("env", "sum_bytes", host_t);
  b.memory(1);
  b.data(16, std::string("\x01\x02\x03\x04", 4));
  b.func(b.type({}, {I32}), {},
         code({testing::i32_const(16), testing::i32_const(4), testing::call(host)}), "run");
  Store store;
  ImportMap imports;
  imports.define("env", "sum_bytes",
                 store.create_host_func(
                     FuncType{{I32, I32}, {I32}},
                     [](Caller& caller, std::span<const Value> args,
                        std::span<Value> results) -> Outcome<void> {
                       MemoryInst* mem = caller.memory();
                       if (mem == nullptr) return Failure::error("no memory");
                       std::vector<uint8_t> buf(args[1].i32());
                       if (!mem->read(args[0].i32(), buf)) return Failure::host_trap("bad range");
                       uint32_t sum = 0;
                       for (uint8_t c : buf) sum += c;
                       results[0] = Value::i32(sum);
                       return {};
                     },
                     "sum_bytes"));
  Instance* inst = instantiate_ok(store, load(b.build()), imports);
  ASSERT_NE(inst, nullptr);
  auto r = invoke(*inst, "run", {});
  ASSERT_TRUE(r.has_value()) << r.failure().message();
  EXPECT_EQ((*r)[0], Value::i32(10));
}

TEST(Runtime, HostTrapAndExitPropagate) {
  ModuleBuilder b;
  const uint32_t t = b.type({I32}, {});
  const uint32_t host = b.import_func("env", "h", t);
  b.func(t, {}, code({testing::local_get(0), testing::call(host)}), "run");
  Store store;
  ImportMap imports;
  imports.define("env", "h",
                 store.create_host_func(
                     FuncType{{I32}, {}},
                     [](Caller&, std::span<const Value> args, std::span<Value>) -> Outcome<void> {
                       if (args[0].i32() == 0) return Failure::host_trap("nope");
                       return Failure::exit(static_cast<int32_t>(args[0].i32()));
                     }));
  Instance* inst = instantiate_ok(store, load(b.build()), imports);
  ASSERT_NE(inst, nullptr);
  const Value zero[] = {Value::i32(0)};
  auto trap = invoke(*inst, "run", zero);
  ASSERT_FALSE(trap.has_value());
  EXPECT_EQ(trap.failure().kind, FailureKind::Trap);
  EXPECT_EQ(trap.failure().trap, TrapKind::Host);
  EXPECT_EQ(trap.failure().reason, "nope");
  EXPECT_EQ(trap.failure().func_index, std::optional<uint32_t>(1));
  const Value three[] = {Value::i32(3)};
  auto exit = invoke(*inst, "run", three);
  ASSERT_FALSE(exit.has_value());
  EXPECT_EQ(exit.failure().kind, FailureKind::Exit);
  EXPECT_EQ(exit.failure().exit_code, 3);
  // The store is still usable after a failure.
  auto again = invoke(*inst, "run", zero);
  EXPECT_EQ(again.failure().trap, TrapKind::Host);
}

TEST(Runtime, HostCanCallBackIntoWasm) {
  // run(n) = host(n) where host(n) calls the export "twice"(n) = 2n.
  ModuleBuilder b;
  const uint32_t t = b.type({I32}, {I32});
  const uint32_t host = b.import_func("env", "h", t);
  b.func(t, {}, code({testing::local_get(0), testing::call(host)}), "run");
  b.func(t, {}, code({testing::local_get(0), testing::local_get(0), op({0x6a})}), "twice");
  Store store;
  Instance* target = nullptr;
  ImportMap imports;
  imports.define("env", "h",
                 store.create_host_func(FuncType{{I32}, {I32}},
                                        [&](Caller&, std::span<const Value> args,
                                            std::span<Value> results) -> Outcome<void> {
                                          auto r = invoke(*target, "twice", args);
                                          if (!r) return r.failure();
                                          results[0] = (*r)[0];
                                          return {};
                                        }));
  target = instantiate_ok(store, load(b.build()), imports);
  ASSERT_NE(target, nullptr);
  const Value args[] = {Value::i32(21)};
  auto r = invoke(*target, "run", args);
  ASSERT_TRUE(r.has_value()) << r.failure().message();
  EXPECT_EQ((*r)[0], Value::i32(42));
}

TEST(Runtime, LinkErrorsAreDistinguished) {
  ModuleBuilder b;
  b.import_func("env", "f", b.type({I32}, {}));
  const ModuleHandle m = load(b.build());
  Store store;
  auto unknown = instantiate(store, m, ImportMap().resolver());
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.failure().kind, FailureKind::Link);
  EXPECT_NE(unknown.failure().reason.find("unknown import"), std::string::npos);

  ImportMap wrong;
  wrong.define("env", "f",
               store.create_host_func(FuncType{{I64}, {}},
                                      [](Caller&, std::span<const Value>, std::span<Value>) {
                                        return Outcome<void>();
                                      }));
  auto incompatible = instantiate(store, m, wrong.resolver());
  ASSERT_FALSE(incompatible.has_value());
  EXPECT_EQ(incompatible.failure().kind, FailureKind::Link);
  EXPECT_NE(incompatible.failure().reason.find("incompatible import type"), std::string::npos);

  auto global = store.create_global(GlobalType{I32, false}, Value::i32(1));
  ASSERT_TRUE(global.has_value());
  ImportMap kind;
  kind.define("env", "f", *global);
  auto wrong_kind = instantiate(store, m, kind.resolver());
  ASSERT_FALSE(wrong_kind.has_value());
  EXPECT_NE(wrong_kind.failure().reason.find("incompatible import type"), std::string::npos);
}

TEST(Runtime, InstantiationTrapKeepsEarlierWritesToSharedMemory) {
  Store store;
  auto mem = store.create_memory(MemoryType{Limits{1, std::nullopt}});
  ASSERT_TRUE(mem.has_value());
  ModuleBuilder b;
  b.import_memory("env", "mem", 1);
  b.data(10, "ok");
  b.data(65535, "xx");  // one byte past the end: traps
  ImportMap imports;
  imports.define("env", "mem", *mem);
  auto r = instantiate(store, load(b.build()), imports.resolver());
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.failure().kind, FailureKind::Trap);
  EXPECT_EQ(r.failure().reason, "out of bounds memory access");
  EXPECT_EQ((*mem)->data()[10], 'o');
  EXPECT_EQ((*mem)->data()[11], 'k');
  EXPECT_EQ((*mem)->data()[65535], 0);
}

TEST(Runtime, StartFunctionRunsAndGlobalsAreReadableAndWritable) {
  ModuleBuilder b;
  const uint32_t g = b.global(I32, true, testing::i32_const(5), "counter");
  const uint32_t t = b.type({}, {});
  const uint32_t start = b.func(
      t, {},
      code({testing::global_get(g), testing::i32_const(1), op({0x6a}), testing::global_set(g)}));
  b.start(start);
  b.func(b.type({}, {I32}), {}, testing::global_get(g), "get");
  Store store;
  Instance* inst = instantiate_ok(store, load(b.build()));
  ASSERT_NE(inst, nullptr);
  GlobalInst* counter = inst->exported_global("counter");
  ASSERT_NE(counter, nullptr);
  EXPECT_EQ(counter->get(), Value::i32(6));
  ASSERT_TRUE(counter->set(Value::i32(41)).has_value());
  EXPECT_FALSE(counter->set(Value::i64(1)).has_value());
  auto r = invoke(*inst, "get", {});
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ((*r)[0], Value::i32(41));
}

TEST(Runtime, MemoryIsAccessibleAndBoundsChecked) {
  ModuleBuilder b;
  b.memory(1, "mem");
  // store(addr, v): i32.store offset=4
  b.func(b.type({I32, I32}, {}), {},
         code({testing::local_get(0), testing::local_get(1), testing::mem_op(0x36, 2, 4)}),
         "store");
  Store store;
  Instance* inst = instantiate_ok(store, load(b.build()));
  ASSERT_NE(inst, nullptr);
  const Value args[] = {Value::i32(0), Value::i32(0x04030201)};
  ASSERT_TRUE(invoke(*inst, "store", args).has_value());
  MemoryInst* mem = inst->exported_memory("mem");
  ASSERT_NE(mem, nullptr);
  uint8_t buf[4];
  ASSERT_TRUE(mem->read(4, buf).has_value());
  EXPECT_EQ(buf[0], 1);
  EXPECT_EQ(buf[3], 4);
  EXPECT_FALSE(mem->read(65533, buf).has_value());
  // Effective address = base + offset computed without 32-bit wrap-around.
  const Value wrap[] = {Value::i32(0xfffffffcu), Value::i32(1)};
  auto r = invoke(*inst, "store", wrap);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.failure().trap, TrapKind::OutOfBoundsMemoryAccess);
  EXPECT_EQ(mem->grow(1), std::optional<uint32_t>(1));
  EXPECT_EQ(mem->size_bytes(), 2u * kPageSize);
}

// loop: br 0 forever.
Bytes infinite_loop() {
  return code({op({0x03, 0x40}), testing::br(0), op({0x0b})});
}

TEST(Runtime, FuelStopsRunawayCode) {
  ModuleBuilder b;
  b.func(b.type({}, {}), {}, infinite_loop(), "spin");
  Store store;
  Instance* inst = instantiate_ok(store, load(b.build()));
  ASSERT_NE(inst, nullptr);
  store.set_fuel(10'000);
  auto r = invoke(*inst, "spin", {});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.failure().kind, FailureKind::Exhaustion);
  EXPECT_EQ(r.failure().trap, TrapKind::OutOfFuel);
  EXPECT_EQ(r.failure().reason, "out of fuel");
  ASSERT_TRUE(store.fuel().has_value());
  EXPECT_LT(*store.fuel(), 10'000u);
}

TEST(Runtime, FuelIsConsumedDeterministically) {
  ModuleBuilder b;
  // A loop counting local 0 down to zero.
  b.func(b.type({I32}, {}), {},
         code({op({0x03, 0x40}), testing::local_get(0), testing::i32_const(1), op({0x6b}),
               testing::with_u32(0x22, 0), testing::br_if(0), op({0x0b})}),
         "count");
  Store store;
  Instance* inst = instantiate_ok(store, load(b.build()));
  ASSERT_NE(inst, nullptr);
  auto used = [&](uint32_t n) {
    store.set_fuel(1'000'000);
    const Value args[] = {Value::i32(n)};
    EXPECT_TRUE(invoke(*inst, "count", args).has_value());
    return 1'000'000 - *store.fuel();
  };
  const uint64_t ten = used(10);
  EXPECT_EQ(used(10), ten);
  EXPECT_GT(used(20), ten);
  store.set_fuel(std::nullopt);
  EXPECT_FALSE(store.fuel().has_value());
}

TEST(Runtime, DeepRecursionIsExhaustionNotACrash) {
  ModuleBuilder b;
  const uint32_t t = b.type({}, {});
  b.func(t, {}, testing::call(0), "recurse");
  EngineLimits limits;
  limits.max_call_depth = 500;
  Store store(limits);
  Instance* inst = instantiate_ok(store, load(b.build(), limits));
  ASSERT_NE(inst, nullptr);
  auto r = invoke(*inst, "recurse", {});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.failure().kind, FailureKind::Exhaustion);
  EXPECT_EQ(r.failure().reason, "call stack exhausted");
  // The store recovers: the stack is unwound.
  auto again = invoke(*inst, "recurse", {});
  EXPECT_EQ(again.failure().reason, "call stack exhausted");
}

TEST(Runtime, MemoryGrowRespectsEngineLimit) {
  ModuleBuilder b;
  b.memory(1);
  b.func(b.type({I32}, {I32}), {}, code({testing::local_get(0), op({0x40, 0x00})}), "grow");
  EngineLimits limits;
  limits.max_memory_pages = 4;
  Store store(limits);
  Instance* inst = instantiate_ok(store, load(b.build(), limits));
  ASSERT_NE(inst, nullptr);
  const Value three[] = {Value::i32(3)};
  EXPECT_EQ((*invoke(*inst, "grow", three))[0], Value::i32(1));
  const Value one[] = {Value::i32(1)};
  EXPECT_EQ((*invoke(*inst, "grow", one))[0], Value::i32(0xffffffffu));
}

TEST(Runtime, ExternRefsRoundTripThroughGlobals) {
  Store store;
  auto g = store.create_global(GlobalType{ValType::ExternRef, true},
                               Value::null_ref(ValType::ExternRef));
  ASSERT_TRUE(g.has_value());
  EXPECT_TRUE((*g)->get().is_null());
  ASSERT_TRUE((*g)->set(Value::externref(0)).has_value());
  EXPECT_FALSE((*g)->get().is_null());
  EXPECT_EQ((*g)->get().externref_word(), 0u);
}

}  // namespace
}  // namespace cloister::wasm

namespace cloister::wasm {
namespace {

// A body shaped to make a naive compiler quadratic: a pending local.get at
// the bottom of a deep operand stack, then many local writes above it.
TEST(Runtime, HostileBodyCompilesInLinearTime) {
  constexpr int kDepth = 100'000;
  ModuleBuilder b;
  const uint32_t g = b.global(I32, false, testing::i32_const(1));
  Bytes body = testing::local_get(2);
  for (int i = 0; i < kDepth; ++i) {
    const Bytes get = testing::global_get(g);
    body.insert(body.end(), get.begin(), get.end());
  }
  for (int i = 0; i < kDepth; ++i) {
    const Bytes pair = code({testing::local_get(0), testing::local_set(1)});
    body.insert(body.end(), pair.begin(), pair.end());
  }
  body.insert(body.end(), kDepth, 0x1a);  // drop the globals' values
  b.func(b.type({}, {I32}), {I32, I32, I32}, body, "f");
  auto decoded = decode_module(b.build());
  ASSERT_TRUE(decoded.has_value()) << decoded.error().message();
  ASSERT_TRUE(validate_module(*decoded).has_value());
  const auto start = std::chrono::steady_clock::now();
  auto compiled = compile_module(std::move(*decoded));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(compiled.has_value()) << compiled.error().message();
  const ModuleHandle m = *compiled;
  // Linear: milliseconds; quadratic would be ~10^10 steps.
  EXPECT_LT(elapsed, std::chrono::seconds(3));
  Store store;
  Instance* inst = instantiate_ok(store, m);
  ASSERT_NE(inst, nullptr);
  auto r = invoke(*inst, "f", {});
  ASSERT_TRUE(r.has_value()) << r.failure().message();
  EXPECT_EQ((*r)[0], Value::i32(0));
}

}  // namespace
}  // namespace cloister::wasm

namespace cloister::wasm {
namespace {

// call_indirect through a table shared between instances compares function
// types structurally, whatever their indices in each module.
TEST(Runtime, CallIndirectAcrossInstancesChecksTypesStructurally) {
  ModuleBuilder a;
  const uint32_t unary = a.type({I32}, {I32});
  const uint32_t inc =
      a.func(unary, {}, code({testing::local_get(0), testing::i32_const(1), op({0x6a})}), "inc");
  a.table(3, "tab");
  a.elem(0, {inc});
  Store store;
  Instance* first = instantiate_ok(store, load(a.build()));
  ASSERT_NE(first, nullptr);

  ModuleBuilder b;
  b.type({I64}, {});                           // type 0: unrelated
  const uint32_t same = b.type({I32}, {I32});  // type 1: equal to A's type 0
  const uint32_t other = b.type({I64}, {I32});
  b.import_table("a", "tab", 3);
  // call(i) = call_indirect (type same) (10, i)
  b.func(b.type({I32}, {I32}), {},
         code({testing::i32_const(10), testing::local_get(0), testing::call_indirect(same, 0)}),
         "call");
  b.func(b.type({I32}, {I32}), {},
         code({testing::i64_const(10), testing::local_get(0), testing::call_indirect(other, 0)}),
         "call_wrong_type");
  ImportMap imports;
  imports.define_instance("a", *first);
  Instance* second = instantiate_ok(store, load(b.build()), imports);
  ASSERT_NE(second, nullptr);

  const Value zero[] = {Value::i32(0)};
  auto r = invoke(*second, "call", zero);
  ASSERT_TRUE(r.has_value()) << r.failure().message();
  EXPECT_EQ((*r)[0], Value::i32(11));
  auto mismatch = invoke(*second, "call_wrong_type", zero);
  ASSERT_FALSE(mismatch.has_value());
  EXPECT_EQ(mismatch.failure().reason, "indirect call type mismatch");
  const Value one[] = {Value::i32(1)};
  EXPECT_EQ(invoke(*second, "call", one).failure().reason, "uninitialized element 1");
  const Value five[] = {Value::i32(5)};
  EXPECT_EQ(invoke(*second, "call", five).failure().reason, "undefined element");

  // The embedder can fill the table too; the call sees it.
  TableInst* table = first->exported_table("tab");
  ASSERT_NE(table, nullptr);
  ASSERT_TRUE(table->set(1, Value::funcref(first->exported_func("inc"))).has_value());
  EXPECT_EQ((*invoke(*second, "call", one))[0], Value::i32(11));
  EXPECT_FALSE(table->set(1, Value::i32(0)).has_value());
  EXPECT_FALSE(table->get(3).has_value());
  EXPECT_EQ(table->grow(2, Value::null_ref(ValType::FuncRef)), std::optional<uint32_t>(3));
  EXPECT_EQ(table->size(), 5u);
}

}  // namespace
}  // namespace cloister::wasm

namespace cloister::wasm {
namespace {

// Host signatures longer than the inline argument buffer still work.
TEST(Runtime, HostFunctionWithManyParametersAndResults) {
  constexpr uint32_t kCount = 20;
  std::vector<ValType> many(kCount, I32);
  ModuleBuilder b;
  const uint32_t host = b.import_func("env", "spread", b.type(many, many));
  Bytes body;
  for (uint32_t i = 0; i < kCount; ++i) {
    const Bytes c = testing::i32_const(static_cast<int32_t>(i));
    body.insert(body.end(), c.begin(), c.end());
  }
  const Bytes call = testing::call(host);
  body.insert(body.end(), call.begin(), call.end());
  // Sum all results.
  for (uint32_t i = 1; i < kCount; ++i) body.push_back(0x6a);
  b.func(b.type({}, {I32}), {}, body, "run");
  Store store;
  ImportMap imports;
  imports.define("env", "spread",
                 store.create_host_func(FuncType{many, many},
                                        [](Caller&, std::span<const Value> args,
                                           std::span<Value> results) -> Outcome<void> {
                                          // Each result is its argument times 2.
                                          for (size_t i = 0; i < args.size(); ++i) {
                                            results[i] = Value::i32(args[i].i32() * 2);
                                          }
                                          return {};
                                        }));
  Instance* inst = instantiate_ok(store, load(b.build()), imports);
  ASSERT_NE(inst, nullptr);
  auto r = invoke(*inst, "run", {});
  ASSERT_TRUE(r.has_value()) << r.failure().message();
  EXPECT_EQ((*r)[0], Value::i32(2 * (kCount * (kCount - 1) / 2)));
}

}  // namespace
}  // namespace cloister::wasm

namespace cloister::wasm {
namespace {

// A callee that grows memory: the caller must see the new size and bytes
// (the interpreter caches the memory's base and size across calls).
TEST(Runtime, CallerSeesMemoryGrownByCallee) {
  ModuleBuilder b;
  b.memory(1);
  const uint32_t grow =
      b.func(b.type({}, {}), {}, code({testing::i32_const(1), op({0x40, 0x00}), op({0x1a})}));
  // run() = grow(); store 42 at 65536 + 8; load it back
  b.func(
      b.type({}, {I32}), {},
      code({testing::call(grow), testing::i32_const(65536), testing::i32_const(42),
            testing::mem_op(0x36, 2, 8), testing::i32_const(65536), testing::mem_op(0x28, 2, 8)}),
      "run");
  Store store;
  Instance* inst = instantiate_ok(store, load(b.build()));
  ASSERT_NE(inst, nullptr);
  auto r = invoke(*inst, "run", {});
  ASSERT_TRUE(r.has_value()) << r.failure().message();
  EXPECT_EQ((*r)[0], Value::i32(42));
}

}  // namespace
}  // namespace cloister::wasm
