// SPDX-License-Identifier: Apache-2.0
//
// Module loading, instantiation (Core Specification 2.0, section 4.5.4),
// linking and calls from the embedder.
#include <algorithm>
#include <cstring>

#include "wasm/compiler.h"
#include "wasm/decoder.h"
#include "wasm/interpreter.h"
#include "wasm/runtime.h"
#include "wasm/validator.h"

namespace cloister::wasm {

// --- modules ---

CompiledModule::CompiledModule(Module&& m) : module_(std::move(m)) {}
CompiledModule::~CompiledModule() = default;

Result<ModuleHandle> compile_module(Module&& validated, const EngineLimits& limits) {
  auto compiled = std::make_shared<CompiledModule>(std::move(validated));
  const Module& m = compiled->module_;
  compiled->functions_.reserve(m.functions.size());
  for (uint32_t i = 0; i < m.functions.size(); ++i) {
    CLOISTER_TRY_ASSIGN(CompiledFunction f, compile_function(m, i, limits));
    compiled->functions_.push_back(std::move(f));
  }
  return ModuleHandle(std::move(compiled));
}

Result<ModuleHandle> load_module(std::span<const uint8_t> binary, const EngineLimits& limits) {
  CLOISTER_TRY_ASSIGN(Module m, decode_module(binary, limits));
  CLOISTER_TRY(validate_module(m, limits));
  return compile_module(std::move(m), limits);
}

// --- exports ---

std::optional<Extern> Instance::get_export(std::string_view name) const {
  for (const auto& [n, e] : exports_) {
    if (n == name) return e;
  }
  return std::nullopt;
}

namespace {
template <typename T>
T* export_as(const Instance& inst, std::string_view name) {
  auto e = inst.get_export(name);
  if (!e) return nullptr;
  T* const* p = std::get_if<T*>(&*e);
  return p ? *p : nullptr;
}
}  // namespace

FuncInst* Instance::exported_func(std::string_view name) const {
  return export_as<FuncInst>(*this, name);
}
TableInst* Instance::exported_table(std::string_view name) const {
  return export_as<TableInst>(*this, name);
}
MemoryInst* Instance::exported_memory(std::string_view name) const {
  return export_as<MemoryInst>(*this, name);
}
GlobalInst* Instance::exported_global(std::string_view name) const {
  return export_as<GlobalInst>(*this, name);
}

MemoryInst* Caller::memory() const {
  if (instance_ == nullptr || instance_->memories_.empty()) return nullptr;
  return instance_->memories_[0];
}

// --- import map ---

void ImportMap::define(std::string module, std::string name, Extern value) {
  auto it = entries_.find(module);
  if (it == entries_.end()) it = entries_.emplace(std::move(module), decltype(it->second)()).first;
  it->second.insert_or_assign(std::move(name), value);
}

void ImportMap::define_instance(const std::string& module, const Instance& instance) {
  for (const auto& [name, e] : instance.exports()) define(module, name, e);
}

std::optional<Extern> ImportMap::find(std::string_view module, std::string_view name) const {
  auto it = entries_.find(module);
  if (it == entries_.end()) return std::nullopt;
  auto jt = it->second.find(name);
  if (jt == it->second.end()) return std::nullopt;
  return jt->second;
}

ImportResolver ImportMap::resolver() const {
  return [this](std::string_view module, std::string_view name) { return find(module, name); };
}

// --- instantiation ---

namespace {

// External type matching (section 4.5.2): limits {n1, m1} match {n2, m2}
// when n1 >= n2 and (m2 absent or (m1 present and m1 <= m2)).
bool limits_match(const Limits& actual, const Limits& wanted) {
  if (actual.min < wanted.min) return false;
  if (!wanted.max) return true;
  return actual.max && *actual.max <= *wanted.max;
}

Failure incompatible(const Import& imp, std::string_view why) {
  return Failure::link("incompatible import type: \"" + imp.module + "\" \"" + imp.name +
                       "\": " + std::string(why));
}

Outcome<void> link_imports(Instance& inst, const Module& m, const ImportResolver& resolve) {
  Store& store = *inst.store_;
  for (const Import& imp : m.imports) {
    std::optional<Extern> ext = resolve ? resolve(imp.module, imp.name) : std::nullopt;
    if (!ext) return Failure::link("unknown import: \"" + imp.module + "\" \"" + imp.name + "\"");
    if (kind_of(*ext) != imp.kind) {
      return incompatible(imp, "expected a " + std::string(to_string(imp.kind)) + ", got a " +
                                   std::string(to_string(kind_of(*ext))));
    }
    switch (imp.kind) {
      case ExternKind::Func: {
        FuncInst* f = std::get<FuncInst*>(*ext);
        if (imp.type_index >= m.types.size()) return Failure::error("bad import type index");
        if (f->store_ != &store) return incompatible(imp, "function from another store");
        if (f->type_id_ != store.intern_type(m.types[imp.type_index])) {
          return incompatible(imp, "function type differs");
        }
        inst.funcs_.push_back(f);
        break;
      }
      case ExternKind::Table: {
        TableInst* t = std::get<TableInst*>(*ext);
        if (t->type_.elem != imp.table.elem) return incompatible(imp, "table element type differs");
        if (!limits_match(t->type().limits, imp.table.limits)) {
          return incompatible(imp, "table limits do not match");
        }
        inst.tables_.push_back(t);
        break;
      }
      case ExternKind::Memory: {
        MemoryInst* mem = std::get<MemoryInst*>(*ext);
        if (!limits_match(mem->type().limits, imp.memory.limits)) {
          return incompatible(imp, "memory limits do not match");
        }
        inst.memories_.push_back(mem);
        break;
      }
      case ExternKind::Global: {
        GlobalInst* g = std::get<GlobalInst*>(*ext);
        if (g->type_ != imp.global) return incompatible(imp, "global type differs");
        inst.globals_.push_back(g);
        break;
      }
    }
  }
  return {};
}

// Evaluates a constant expression in the raw slot encoding.
Outcome<uint64_t> eval_const(const Instance& inst, const ConstExpr& e) {
  switch (e.kind) {
    case ConstExpr::Kind::I32Const:
    case ConstExpr::Kind::F32Const:
      return e.bits & 0xffffffffu;
    case ConstExpr::Kind::I64Const:
    case ConstExpr::Kind::F64Const:
      return e.bits;
    case ConstExpr::Kind::RefNull:
      return uint64_t{0};
    case ConstExpr::Kind::RefFunc:
      if (e.index >= inst.funcs_.size()) return Failure::error("ref.func index out of range");
      return static_cast<uint64_t>(reinterpret_cast<uintptr_t>(inst.funcs_[e.index]));
    case ConstExpr::Kind::GlobalGet:
      if (e.index >= inst.globals_.size()) return Failure::error("global.get index out of range");
      return inst.globals_[e.index]->bits_;
  }
  return Failure::error("bad constant expression");
}

}  // namespace

Outcome<Instance*> instantiate(Store& store, const ModuleHandle& module,
                               const ImportResolver& imports) {
  if (!module) return Failure::error("instantiate: no module");
  const Module& m = module->module();
  if (m.functions.size() != module->functions_.size()) {
    return Failure::error("instantiate: module is not compiled");
  }
  Instance* inst = store.new_instance();
  inst->compiled_ = module;

  // Imports.
  if (auto r = link_imports(*inst, m, imports); !r) return r.failure();

  // Types, functions.
  inst->type_ids_.reserve(m.types.size());
  for (const FuncType& t : m.types) inst->type_ids_.push_back(store.intern_type(t));
  for (uint32_t i = 0; i < m.functions.size(); ++i) {
    auto f = std::make_unique<FuncInst>();
    f->store_ = &store;
    if (m.functions[i].type_index >= inst->type_ids_.size()) {
      return Failure::error("instantiate: bad function type index");
    }
    f->type_id_ = inst->type_ids_[m.functions[i].type_index];
    f->type_ = &store.type_by_id(f->type_id_);
    f->instance_ = inst;
    f->code_ = &module->functions_[i];
    f->index_ = m.num_imported_funcs + i;
    inst->funcs_.push_back(store.add_func(std::move(f)));
  }

  // Tables, memories, globals.
  for (const TableType& t : m.tables) {
    auto r = store.create_table(t, Value::null_ref(t.elem));
    if (!r) return Failure::error("instantiate: " + r.error().message());
    inst->tables_.push_back(*r);
  }
  for (const MemoryType& mt : m.memories) {
    auto r = store.create_memory(mt);
    if (!r) return Failure::error("instantiate: " + r.error().message());
    inst->memories_.push_back(*r);
  }
  for (const Global& g : m.globals) {
    Outcome<uint64_t> v = eval_const(*inst, g.init);
    if (!v) return v.failure();
    auto gi = std::make_unique<GlobalInst>();
    gi->type_ = g.type;
    gi->bits_ = *v;
    inst->globals_.push_back(store.add_global(std::move(gi)));
  }

  // Exports.
  inst->exports_.reserve(m.exports.size());
  for (const Export& e : m.exports) {
    Extern ext;
    switch (e.kind) {
      case ExternKind::Func:
        if (e.index >= inst->funcs_.size()) return Failure::error("bad export index");
        ext = inst->funcs_[e.index];
        break;
      case ExternKind::Table:
        if (e.index >= inst->tables_.size()) return Failure::error("bad export index");
        ext = inst->tables_[e.index];
        break;
      case ExternKind::Memory:
        if (e.index >= inst->memories_.size()) return Failure::error("bad export index");
        ext = inst->memories_[e.index];
        break;
      case ExternKind::Global:
        if (e.index >= inst->globals_.size()) return Failure::error("bad export index");
        ext = inst->globals_[e.index];
        break;
    }
    inst->exports_.emplace_back(e.name, ext);
  }

  // Segments: evaluate every element segment's references, then apply the
  // active ones in order (table.init + elem.drop), then the data segments
  // (memory.init + data.drop). A failing bounds check traps and stops
  // instantiation; earlier writes stay (section 4.5.4, Wasm 2.0).
  inst->elems_.resize(m.elems.size());
  for (size_t i = 0; i < m.elems.size(); ++i) {
    const ElemSegment& seg = m.elems[i];
    std::vector<uint64_t>& refs = inst->elems_[i];
    refs.reserve(seg.items.size());
    for (const ConstExpr& item : seg.items) {
      Outcome<uint64_t> v = eval_const(*inst, item);
      if (!v) return v.failure();
      refs.push_back(*v);
    }
  }
  inst->datas_.reserve(m.datas.size());
  for (const DataSegment& d : m.datas) inst->datas_.push_back(d.bytes);

  for (size_t i = 0; i < m.elems.size(); ++i) {
    const ElemSegment& seg = m.elems[i];
    if (seg.mode == ElemSegment::Mode::Active) {
      if (seg.table_index >= inst->tables_.size()) return Failure::error("bad table index");
      Outcome<uint64_t> off = eval_const(*inst, seg.offset);
      if (!off) return off.failure();
      TableInst* t = inst->tables_[seg.table_index];
      const uint64_t d = static_cast<uint32_t>(*off);
      const std::vector<uint64_t>& refs = inst->elems_[i];
      if (d + refs.size() > t->elems_.size()) {
        return Failure::trap_of(TrapKind::OutOfBoundsTableAccess);
      }
      std::copy(refs.begin(), refs.end(), t->elems_.begin() + static_cast<ptrdiff_t>(d));
    }
    if (seg.mode != ElemSegment::Mode::Passive) inst->elems_[i].clear();
  }
  for (size_t i = 0; i < m.datas.size(); ++i) {
    const DataSegment& seg = m.datas[i];
    if (seg.mode != DataSegment::Mode::Active) continue;
    if (seg.memory_index >= inst->memories_.size()) return Failure::error("bad memory index");
    Outcome<uint64_t> off = eval_const(*inst, seg.offset);
    if (!off) return off.failure();
    MemoryInst* mem = inst->memories_[seg.memory_index];
    const uint64_t d = static_cast<uint32_t>(*off);
    if (d + seg.bytes.size() > mem->size_) {
      return Failure::trap_of(TrapKind::OutOfBoundsMemoryAccess);
    }
    if (!seg.bytes.empty()) std::memcpy(mem->data_ + d, seg.bytes.data(), seg.bytes.size());
    inst->datas_[i] = {};
  }

  // Start function.
  if (m.start) {
    if (*m.start >= inst->funcs_.size()) return Failure::error("bad start function index");
    auto r = invoke(*inst->funcs_[*m.start], {});
    if (!r) return r.failure();
  }
  return inst;
}

// --- calls ---

Outcome<std::vector<Value>> invoke(FuncInst& func, std::span<const Value> args) {
  const FuncType& t = func.type();
  if (args.size() != t.params.size()) {
    return Failure::error("invoke: expected " + std::to_string(t.params.size()) +
                          " arguments, got " + std::to_string(args.size()));
  }
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i].type() != t.params[i]) {
      return Failure::error("invoke: argument " + std::to_string(i) + " has type " +
                            std::string(to_string(args[i].type())) + ", expected " +
                            std::string(to_string(t.params[i])));
    }
  }
  Store& store = *func.store_;
  ExecState& ex = store.exec();
  ex.ensure_stack();
  const size_t need = std::max(t.params.size(), t.results.size());
  if (static_cast<size_t>(ex.stack_end - ex.top) < need) {
    return Failure::trap_of(TrapKind::CallStackExhausted);
  }
  uint64_t* fp = ex.top;
  for (size_t i = 0; i < args.size(); ++i) fp[i] = args[i].raw();
  Outcome<void> r = execute(store, &func, fp);
  if (!r) return r.failure();
  std::vector<Value> results;
  results.reserve(t.results.size());
  for (size_t i = 0; i < t.results.size(); ++i) {
    results.push_back(Value::from_raw(t.results[i], fp[i]));
  }
  return results;
}

Outcome<std::vector<Value>> invoke(Instance& instance, std::string_view export_name,
                                   std::span<const Value> args) {
  FuncInst* f = instance.exported_func(export_name);
  if (f == nullptr) {
    return Failure::error("invoke: no exported function \"" + std::string(export_name) + "\"");
  }
  return invoke(*f, args);
}

}  // namespace cloister::wasm
