// SPDX-License-Identifier: Apache-2.0
//
// The embedding API of the WebAssembly engine: load a module (decode,
// validate, compile), create a Store, link imports (host functions or other
// instances' exports), instantiate, call exports, read and write memories,
// tables and globals. Everything fallible returns a value: `Result<T>` for
// plain errors, `Outcome<T>` when code runs and may trap, so that callers can
// tell a trap from exhaustion (call stack, fuel), a link error, a host exit
// and any other error programmatically (see FailureKind).
//
// Object model (Core Specification 2.0, section 4.2): a Store owns every
// runtime object (functions, tables, memories, globals, instances); handles
// are plain pointers into it, valid as long as the Store lives. Nothing here
// is thread-safe: one Store is used by one thread at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "base/result.h"
#include "wasm/limits.h"
#include "wasm/module.h"
#include "wasm/types.h"

namespace cloister::wasm {

class Store;
class Instance;
class FuncInst;
class TableInst;
class MemoryInst;
class GlobalInst;
class CompiledModule;

// ---------------------------------------------------------------------------
// Values

// A typed WebAssembly value. Numbers are kept bit-exact (a float NaN keeps its
// payload). References are either null or point at a FuncInst (funcref) or carry
// an opaque 64-bit host word (externref).
class Value {
 public:
  Value() = default;  // i32 0

  static Value i32(uint32_t v) { return Value(ValType::I32, v); }
  static Value i64(uint64_t v) { return Value(ValType::I64, v); }
  static Value f32_bits(uint32_t bits) { return Value(ValType::F32, bits); }
  static Value f64_bits(uint64_t bits) { return Value(ValType::F64, bits); }
  static Value f32(float v);
  static Value f64(double v);
  static Value null_ref(ValType ref_type) { return Value(ref_type, 0); }
  static Value funcref(FuncInst* f);  // nullptr gives a null funcref
  // A non-null externref carrying `host_word` (0 is a valid word, distinct
  // from null; UINT64_MAX is reserved: it would encode as null).
  static Value externref(uint64_t host_word);
  // The zero value of a type (0, +0.0 or null), as locals are initialised.
  static Value zero(ValType t) { return Value(t, 0); }

  ValType type() const { return type_; }
  uint32_t i32() const { return static_cast<uint32_t>(bits_); }
  uint64_t i64() const { return bits_; }
  uint32_t f32_bits() const { return static_cast<uint32_t>(bits_); }
  uint64_t f64_bits() const { return bits_; }
  float f32() const;
  double f64() const;
  bool is_null() const { return is_ref(type_) && bits_ == 0; }
  FuncInst* funcref() const;        // nullptr when null or not a funcref
  uint64_t externref_word() const;  // precondition: non-null externref

  // Bit-exact equality of type and payload (so NaN == the same NaN).
  friend bool operator==(const Value&, const Value&) = default;

  // "i32:42", "f32:nan:0x7fc00000", "funcref:null", ... for messages.
  std::string to_string() const;

  // Engine internals: the 64-bit slot encoding the interpreter uses (numbers
  // zero-extended; funcref = FuncInst address; externref = host word + 1; null = 0).
  uint64_t raw() const { return bits_; }
  static Value from_raw(ValType t, uint64_t raw) { return Value(t, raw); }

 private:
  Value(ValType t, uint64_t bits) : type_(t), bits_(bits) {}
  ValType type_ = ValType::I32;
  uint64_t bits_ = 0;
};

// ---------------------------------------------------------------------------
// Failures

// Why running code stopped. Exactly one category applies.
enum class FailureKind : uint8_t {
  Trap,        // a trap the spec names, or a trap raised by a host function
  Exhaustion,  // call stack / value stack exhausted, or out of fuel
  Link,        // instantiation: unknown import, incompatible import type
  Exit,        // a host function asked to end the program (e.g. WASI proc_exit)
  Error,       // anything else: bad arguments, an embedder error from a host function
};

enum class TrapKind : uint8_t {
  None,
  Unreachable,
  IntegerDivideByZero,
  IntegerOverflow,
  InvalidConversionToInteger,
  OutOfBoundsMemoryAccess,
  OutOfBoundsTableAccess,
  UndefinedElement,
  UninitializedElement,
  IndirectCallTypeMismatch,
  CallStackExhausted,  // FailureKind::Exhaustion
  OutOfFuel,           // FailureKind::Exhaustion
  Host,                // raised by a host function; `reason` says why
};

// The spec's text for a trap ("unreachable", "integer divide by zero", ...).
std::string_view trap_reason(TrapKind kind);

struct Failure {
  FailureKind kind = FailureKind::Error;
  TrapKind trap = TrapKind::None;  // Trap and Exhaustion only
  // For traps, exactly the spec's reason text; otherwise the error message.
  std::string reason;
  // Where a trap happened (when it happened in Wasm code): the function index
  // in its module's index space, its name from the `name` section (empty if
  // none), and the byte offset of the trapping instruction in the binary.
  std::optional<uint32_t> func_index;
  std::string func_name;
  std::optional<size_t> offset;
  int32_t exit_code = 0;  // FailureKind::Exit only

  static Failure trap_of(TrapKind kind);
  static Failure host_trap(std::string reason);
  static Failure error(std::string message);
  static Failure link(std::string message);
  static Failure exit(int32_t code);

  bool is_trap() const { return kind == FailureKind::Trap; }
  bool is_exhaustion() const { return kind == FailureKind::Exhaustion; }

  // Human-readable: "trap: integer divide by zero in function 3 ($div) at
  // offset 0x4f", "link error: unknown import env.f", ...
  std::string message() const;
  Error to_error() const { return Error(message()); }
};

// Either a T or a Failure (the Result<T> of code that runs).
template <typename T>
class [[nodiscard]] Outcome {
 public:
  Outcome(const T& v) : state_(std::in_place_index<0>, v) {}
  Outcome(T&& v) : state_(std::in_place_index<0>, std::move(v)) {}
  Outcome(Failure f) : state_(std::in_place_index<1>, std::move(f)) {}

  bool has_value() const { return state_.index() == 0; }
  explicit operator bool() const { return has_value(); }
  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Failure& failure() const { return std::get<1>(state_); }
  Error error() const { return failure().to_error(); }

 private:
  std::variant<T, Failure> state_;
};

template <>
class [[nodiscard]] Outcome<void> {
 public:
  Outcome() = default;
  Outcome(Failure f) : failure_(std::move(f)) {}
  bool has_value() const { return !failure_.has_value(); }
  explicit operator bool() const { return has_value(); }
  const Failure& failure() const { return *failure_; }
  Error error() const { return failure().to_error(); }

 private:
  std::optional<Failure> failure_;
};

// ---------------------------------------------------------------------------
// Runtime objects

// The context a host function runs in.
class Caller {
 public:
  Caller(Store& store, Instance* instance) : store_(&store), instance_(instance) {}
  Store& store() const { return *store_; }
  // The instance whose code called the host function; nullptr when the host
  // function was invoked directly by the embedder.
  Instance* instance() const { return instance_; }
  // The calling instance's memory 0, or nullptr if it has none.
  MemoryInst* memory() const;

 private:
  Store* store_;
  Instance* instance_;
};

// A host function: reads `args` (typed as its FuncType's params) and writes
// every element of `results` (preset to zero values of the result types).
// Returning a Failure traps (Failure::host_trap), exits (Failure::exit) or
// fails (Failure::error) the whole invocation.
using HostFunction = std::function<Outcome<void>(Caller& caller, std::span<const Value> args,
                                                 std::span<Value> results)>;

struct CompiledFunction;

class FuncInst {
 public:
  const FuncType& type() const { return *type_; }
  bool is_host() const { return host_ != nullptr; }
  Store& store() const { return *store_; }

  // Engine internals.
  Store* store_ = nullptr;
  const FuncType* type_ = nullptr;  // interned in the store
  uint32_t type_id_ = 0;            // equal ids <=> structurally equal types
  // Wasm functions: the defining instance and the compiled body.
  Instance* instance_ = nullptr;
  const CompiledFunction* code_ = nullptr;
  uint32_t index_ = 0;  // in the defining module's function index space
  // Host functions.
  std::unique_ptr<HostFunction> host_;
  std::string host_name_;
};

class TableInst {
 public:
  TableType type() const;  // current size as `min`
  uint32_t size() const { return static_cast<uint32_t>(elems_.size()); }
  Result<Value> get(uint32_t index) const;
  Result<void> set(uint32_t index, Value v);
  // Grows by `delta` elements set to `init`; returns the old size, or nullopt
  // when the table's maximum or the engine limit forbids it.
  std::optional<uint32_t> grow(uint32_t delta, Value init);

  // Engine internals: elements in the Value::raw() encoding.
  TableType type_;
  uint32_t limit_max_ = 0;  // min(type max, EngineLimits::max_table_elements)
  std::vector<uint64_t> elems_;
};

class MemoryInst {
 public:
  ~MemoryInst();
  MemoryInst() = default;
  MemoryInst(const MemoryInst&) = delete;
  MemoryInst& operator=(const MemoryInst&) = delete;

  MemoryType type() const;  // current size in pages as `min`
  uint32_t pages() const { return pages_; }
  uint64_t size_bytes() const { return size_; }
  uint8_t* data() { return data_; }
  const uint8_t* data() const { return data_; }
  // Bounds-checked copies; fail with "out of bounds memory access".
  Result<void> read(uint64_t offset, std::span<uint8_t> out) const;
  Result<void> write(uint64_t offset, std::span<const uint8_t> in);
  // Grows by `delta` pages (zero-filled); returns the old size in pages, or
  // nullopt when the maximum, the engine limit or the host refuses.
  std::optional<uint32_t> grow(uint32_t delta);

  // Engine internals.
  MemoryType type_;
  uint32_t limit_max_pages_ = 0;  // min(type max, EngineLimits::max_memory_pages)
  uint32_t pages_ = 0;
  uint64_t size_ = 0;
  uint8_t* data_ = nullptr;  // calloc/realloc'd; may move on grow
};

class GlobalInst {
 public:
  GlobalType type() const { return type_; }
  Value get() const { return Value::from_raw(type_.type, bits_); }
  // Fails when the global is immutable or `v` has another type.
  Result<void> set(Value v);

  // Engine internals.
  GlobalType type_;
  uint64_t bits_ = 0;  // Value::raw() encoding
};

// An external value: what an import needs and what an export provides.
// The variant's index equals ExternKind (Func=0, Table=1, Memory=2, Global=3).
using Extern = std::variant<FuncInst*, TableInst*, MemoryInst*, GlobalInst*>;
inline ExternKind kind_of(const Extern& e) {
  return static_cast<ExternKind>(e.index());
}

// ---------------------------------------------------------------------------
// Modules

// A decoded, validated module whose function bodies are compiled to the
// interpreter's internal form. Immutable; shareable by many instances and
// stores.
class CompiledModule {
 public:
  ~CompiledModule();
  const Module& module() const { return module_; }

  // Engine internals.
  Module module_;
  std::vector<CompiledFunction> functions_;  // one per defined function
  explicit CompiledModule(Module&& m);
};
using ModuleHandle = std::shared_ptr<const CompiledModule>;

// decode_module + validate_module + compile. Errors keep the decoder's and
// validator's messages (offset, section, function index, reason).
Result<ModuleHandle> load_module(std::span<const uint8_t> binary, const EngineLimits& limits = {});
// Compiles an already validated module (e.g. when the caller needed to tell
// decoding errors from validation errors itself).
Result<ModuleHandle> compile_module(Module&& validated, const EngineLimits& limits = {});

// ---------------------------------------------------------------------------
// Instances, linking, calls

class Instance {
 public:
  const Module& module() const { return compiled_->module(); }
  Store& store() const { return *store_; }
  std::optional<Extern> get_export(std::string_view name) const;
  FuncInst* exported_func(std::string_view name) const;
  TableInst* exported_table(std::string_view name) const;
  MemoryInst* exported_memory(std::string_view name) const;
  GlobalInst* exported_global(std::string_view name) const;
  // Every export in definition order.
  const std::vector<std::pair<std::string, Extern>>& exports() const { return exports_; }

  // Engine internals (index spaces of this instance, imports first).
  Store* store_ = nullptr;
  ModuleHandle compiled_;
  std::vector<FuncInst*> funcs_;
  std::vector<TableInst*> tables_;
  std::vector<MemoryInst*> memories_;
  std::vector<GlobalInst*> globals_;
  std::vector<uint32_t> type_ids_;               // module type index -> store type id
  std::vector<std::vector<uint64_t>> elems_;     // element segments (empty once dropped)
  std::vector<std::span<const uint8_t>> datas_;  // data segments (empty once dropped)
  std::vector<std::pair<std::string, Extern>> exports_;
};

// Resolves an import by (module name, field name); nullopt = unknown import.
using ImportResolver =
    std::function<std::optional<Extern>(std::string_view module, std::string_view name)>;

// A simple name -> extern map, e.g. for the spec tests' `register`.
class ImportMap {
 public:
  void define(std::string module, std::string name, Extern value);
  // Makes every export of `instance` importable as `module`.`export name`.
  void define_instance(const std::string& module, const Instance& instance);
  std::optional<Extern> find(std::string_view module, std::string_view name) const;
  ImportResolver resolver() const;

 private:
  std::map<std::string, std::map<std::string, Extern, std::less<>>, std::less<>> entries_;
};

struct ExecState;

class Store {
 public:
  explicit Store(const EngineLimits& limits = {});
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  const EngineLimits& limits() const { return limits_; }

  FuncInst* create_host_func(FuncType type, HostFunction fn, std::string debug_name = {});
  Result<GlobalInst*> create_global(GlobalType type, Value init);
  Result<TableInst*> create_table(TableType type, Value init);
  Result<MemoryInst*> create_memory(MemoryType type);

  // Fuel: nullopt (the default) = unlimited. With fuel set, running code
  // consumes it (about one unit per executed Wasm instruction, charged per
  // straight-line region at function entries and loop headers) and traps with
  // "out of fuel" (FailureKind::Exhaustion) when it runs out.
  void set_fuel(std::optional<uint64_t> fuel);
  std::optional<uint64_t> fuel() const;

  // Engine internals.
  uint32_t intern_type(const FuncType& type);
  const FuncType& type_by_id(uint32_t id) const;
  ExecState& exec() { return *exec_; }
  Instance* new_instance();

 private:
  EngineLimits limits_;
  std::vector<std::unique_ptr<FuncInst>> funcs_;
  std::vector<std::unique_ptr<TableInst>> tables_;
  std::vector<std::unique_ptr<MemoryInst>> memories_;
  std::vector<std::unique_ptr<GlobalInst>> globals_;
  std::vector<std::unique_ptr<Instance>> instances_;
  std::vector<std::unique_ptr<FuncType>> types_;
  std::unordered_map<std::string, uint32_t> type_ids_;  // key: encoded params/results
  std::unique_ptr<ExecState> exec_;

 public:
  // Engine internals: allocation of runtime objects owned by the store.
  FuncInst* add_func(std::unique_ptr<FuncInst> f);
  TableInst* add_table(std::unique_ptr<TableInst> t);
  MemoryInst* add_memory(std::unique_ptr<MemoryInst> m);
  GlobalInst* add_global(std::unique_ptr<GlobalInst> g);
};

// Instantiates `module` in `store` (Core Specification 2.0, section 4.5.4):
// resolves and type-checks imports (FailureKind::Link on "unknown import" or
// "incompatible import type"), creates the module's own tables, memories and
// globals, applies element then data segments in order (a trapping active
// segment stops instantiation; writes done before it stay visible through
// imported tables/memories), then runs the start function.
Outcome<Instance*> instantiate(Store& store, const ModuleHandle& module,
                               const ImportResolver& imports);

// Calls `func` with `args` (checked against its type: FailureKind::Error on
// mismatch) and returns its results.
Outcome<std::vector<Value>> invoke(FuncInst& func, std::span<const Value> args);
// Calls the exported function `export_name` of `instance`.
Outcome<std::vector<Value>> invoke(Instance& instance, std::string_view export_name,
                                   std::span<const Value> args);

}  // namespace cloister::wasm
