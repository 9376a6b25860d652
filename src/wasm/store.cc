// SPDX-License-Identifier: Apache-2.0
//
// The Store and the runtime objects it owns: functions, tables, memories,
// globals, and the structural interning of function types that makes
// call_indirect's type check a single integer comparison across modules.
#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "wasm/interpreter.h"
#include "wasm/runtime.h"

namespace cloister::wasm {

// --- TableInst ---

TableType TableInst::type() const {
  TableType t = type_;
  t.limits.min = size();
  return t;
}

Result<Value> TableInst::get(uint32_t index) const {
  if (index >= elems_.size()) return fail("out of bounds table access");
  return Value::from_raw(type_.elem, elems_[index]);
}

Result<void> TableInst::set(uint32_t index, Value v) {
  if (v.type() != type_.elem) return fail("table element type mismatch");
  if (index >= elems_.size()) return fail("out of bounds table access");
  elems_[index] = v.raw();
  return ok();
}

std::optional<uint32_t> TableInst::grow(uint32_t delta, Value init) {
  const uint64_t old = elems_.size();
  const uint64_t wanted = old + delta;
  if (wanted > limit_max_) return std::nullopt;
  elems_.resize(static_cast<size_t>(wanted), init.raw());
  return static_cast<uint32_t>(old);
}

// --- MemoryInst ---

MemoryInst::~MemoryInst() {
  std::free(data_);
}

MemoryType MemoryInst::type() const {
  MemoryType t = type_;
  t.limits.min = pages_;
  return t;
}

Result<void> MemoryInst::read(uint64_t offset, std::span<uint8_t> out) const {
  if (offset > size_ || out.size() > size_ - offset) return fail("out of bounds memory access");
  if (!out.empty()) std::memcpy(out.data(), data_ + offset, out.size());
  return ok();
}

Result<void> MemoryInst::write(uint64_t offset, std::span<const uint8_t> in) {
  if (offset > size_ || in.size() > size_ - offset) return fail("out of bounds memory access");
  if (!in.empty()) std::memcpy(data_ + offset, in.data(), in.size());
  return ok();
}

std::optional<uint32_t> MemoryInst::grow(uint32_t delta) {
  const uint32_t old = pages_;
  const uint64_t wanted = uint64_t{old} + delta;
  if (wanted > limit_max_pages_) return std::nullopt;
  if (delta == 0) return old;
  const uint64_t bytes = wanted * kPageSize;
  // realloc may move the memory; the interpreter reloads its base pointer
  // after every instruction that can grow memory.
  auto* p = static_cast<uint8_t*>(std::realloc(data_, static_cast<size_t>(bytes)));
  if (p == nullptr) return std::nullopt;
  std::memset(p + size_, 0, static_cast<size_t>(bytes - size_));
  data_ = p;
  size_ = bytes;
  pages_ = static_cast<uint32_t>(wanted);
  return old;
}

// --- GlobalInst ---

Result<void> GlobalInst::set(Value v) {
  if (!type_.mutable_) return fail("global is immutable");
  if (v.type() != type_.type) {
    return fail("global type mismatch: expected ", to_string(type_.type), ", got ",
                to_string(v.type()));
  }
  bits_ = v.raw();
  return ok();
}

// --- Store ---

Store::Store(const EngineLimits& limits)
    : limits_(limits), exec_(std::make_unique<ExecState>(limits_)) {}

Store::~Store() = default;

namespace {
std::string type_key(const FuncType& t) {
  std::string key;
  // The parameter count first, so that no (params, results) split is ambiguous.
  key.reserve(t.params.size() + t.results.size() + sizeof(size_t));
  const size_t n = t.params.size();
  key.append(reinterpret_cast<const char*>(&n), sizeof n);
  for (ValType v : t.params) key.push_back(static_cast<char>(v));
  for (ValType v : t.results) key.push_back(static_cast<char>(v));
  return key;
}
}  // namespace

uint32_t Store::intern_type(const FuncType& type) {
  std::string key = type_key(type);
  if (auto it = type_ids_.find(key); it != type_ids_.end()) return it->second;
  const auto id = static_cast<uint32_t>(types_.size());
  types_.push_back(std::make_unique<FuncType>(type));
  type_ids_.emplace(std::move(key), id);
  return id;
}

const FuncType& Store::type_by_id(uint32_t id) const {
  return *types_[id];
}

Instance* Store::new_instance() {
  instances_.push_back(std::make_unique<Instance>());
  instances_.back()->store_ = this;
  return instances_.back().get();
}

FuncInst* Store::add_func(std::unique_ptr<FuncInst> f) {
  funcs_.push_back(std::move(f));
  return funcs_.back().get();
}
TableInst* Store::add_table(std::unique_ptr<TableInst> t) {
  tables_.push_back(std::move(t));
  return tables_.back().get();
}
MemoryInst* Store::add_memory(std::unique_ptr<MemoryInst> m) {
  memories_.push_back(std::move(m));
  return memories_.back().get();
}
GlobalInst* Store::add_global(std::unique_ptr<GlobalInst> g) {
  globals_.push_back(std::move(g));
  return globals_.back().get();
}

FuncInst* Store::create_host_func(FuncType type, HostFunction fn, std::string debug_name) {
  auto f = std::make_unique<FuncInst>();
  f->store_ = this;
  f->type_id_ = intern_type(type);
  f->type_ = &type_by_id(f->type_id_);
  f->host_ = std::make_unique<HostFunction>(std::move(fn));
  f->host_name_ = std::move(debug_name);
  return add_func(std::move(f));
}

Result<GlobalInst*> Store::create_global(GlobalType type, Value init) {
  if (init.type() != type.type) {
    return fail("global initial value has type ", to_string(init.type()), ", expected ",
                to_string(type.type));
  }
  auto g = std::make_unique<GlobalInst>();
  g->type_ = type;
  g->bits_ = init.raw();
  return add_global(std::move(g));
}

Result<TableInst*> Store::create_table(TableType type, Value init) {
  if (!is_ref(type.elem)) return fail("table element type must be a reference type");
  if (init.type() != type.elem) return fail("table initial value has the wrong type");
  if (type.limits.max && *type.limits.max < type.limits.min) return fail("table max < min");
  const uint32_t engine_max = limits_.max_table_elements;
  if (type.limits.min > engine_max) {
    return fail("table of ", type.limits.min, " elements exceeds the engine limit of ", engine_max);
  }
  auto t = std::make_unique<TableInst>();
  t->type_ = type;
  t->limit_max_ = std::min(type.limits.max.value_or(UINT32_MAX), engine_max);
  t->elems_.assign(type.limits.min, init.raw());
  return add_table(std::move(t));
}

Result<MemoryInst*> Store::create_memory(MemoryType type) {
  if (type.limits.max && *type.limits.max < type.limits.min) return fail("memory max < min");
  const uint32_t engine_max = std::min(limits_.max_memory_pages, kMaxPages);
  if (type.limits.min > engine_max) {
    return fail("memory of ", type.limits.min, " pages exceeds the engine limit of ", engine_max,
                " pages");
  }
  auto m = std::make_unique<MemoryInst>();
  m->type_ = type;
  m->limit_max_pages_ = std::min(type.limits.max.value_or(kMaxPages), engine_max);
  if (type.limits.min > 0) {
    const uint64_t bytes = uint64_t{type.limits.min} * kPageSize;
    m->data_ = static_cast<uint8_t*>(std::calloc(static_cast<size_t>(bytes), 1));
    if (m->data_ == nullptr) return fail("out of host memory allocating ", bytes, " bytes");
    m->size_ = bytes;
    m->pages_ = type.limits.min;
  }
  return add_memory(std::move(m));
}

void Store::set_fuel(std::optional<uint64_t> fuel) {
  exec_->fuel_enabled = fuel.has_value();
  const uint64_t max = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  exec_->fuel = static_cast<int64_t>(fuel ? std::min(*fuel, max) : max);
}

std::optional<uint64_t> Store::fuel() const {
  if (!exec_->fuel_enabled) return std::nullopt;
  return static_cast<uint64_t>(std::max<int64_t>(exec_->fuel, 0));
}

}  // namespace cloister::wasm
