// SPDX-License-Identifier: Apache-2.0
//
// Module-level validation (Core Specification 2.0, section 3.4): imports,
// definitions, constant expressions, segments, exports and start; function
// bodies are checked by validate_function.cc.
#include "wasm/validator.h"

#include <string>
#include <string_view>
#include <unordered_set>

#include "wasm/validator_internal.h"

namespace cloister::wasm {

namespace detail {

std::string describe_function(const Module& module, uint32_t func_index) {
  std::string s = "function " + std::to_string(func_index);
  const auto it = module.function_names.find(func_index);
  if (it != module.function_names.end()) s += " (" + it->second + ")";
  return s;
}

}  // namespace detail

namespace {

Unexpected invalid(std::string_view where, std::string_view reason) {
  return fail("invalid module: ", where, ": ", reason);
}

std::string at(std::string_view what, size_t index) {
  return std::string(what) + " " + std::to_string(index);
}

Result<void> check_limits(const Limits& l, uint64_t bound, std::string_view bound_reason,
                          std::string_view where) {
  if (l.min > bound || (l.max && *l.max > bound)) return invalid(where, bound_reason);
  if (l.max && l.min > *l.max) {
    return invalid(where, "size minimum must not be greater than maximum");
  }
  return ok();
}

Result<void> check_memory_type(const MemoryType& t, std::string_view where) {
  return check_limits(t.limits, kMaxPages, "memory size must be at most 65536 pages (4GiB)", where);
}

Result<void> check_table_type(const TableType& t, std::string_view where) {
  return check_limits(t.limits, UINT32_MAX, "table size must be at most 2^32-1", where);
}

class ModuleValidator {
 public:
  ModuleValidator(const Module& m, const EngineLimits& limits) : m_(m), ctx_{m, limits, {}} {}

  Result<void> run() {
    CLOISTER_TRY(imports());
    for (size_t i = 0; i < m_.functions.size(); ++i) {
      if (m_.functions[i].type_index >= m_.types.size()) {
        return invalid(detail::describe_function(m_, m_.num_imported_funcs + i),
                       "unknown type " + std::to_string(m_.functions[i].type_index));
      }
    }
    for (size_t i = 0; i < m_.tables.size(); ++i) {
      CLOISTER_TRY(check_table_type(m_.tables[i], at("table", m_.num_imported_tables + i)));
    }
    for (size_t i = 0; i < m_.memories.size(); ++i) {
      CLOISTER_TRY(check_memory_type(m_.memories[i], at("memory", m_.num_imported_memories + i)));
    }
    if (m_.total_memories() > 1) {
      return invalid("memory 1", "multiple memories (at most one is allowed in WebAssembly 2.0)");
    }
    collect_declared_funcs();
    CLOISTER_TRY(globals());
    CLOISTER_TRY(elems());
    CLOISTER_TRY(datas());
    CLOISTER_TRY(exports());
    CLOISTER_TRY(start());
    for (uint32_t i = 0; i < m_.functions.size(); ++i) {
      CLOISTER_TRY(detail::validate_function(ctx_, i));
    }
    return ok();
  }

 private:
  Result<void> imports() {
    for (size_t i = 0; i < m_.imports.size(); ++i) {
      const Import& imp = m_.imports[i];
      const std::string where =
          "import " + std::to_string(i) + " \"" + imp.module + "\" \"" + imp.name + "\"";
      switch (imp.kind) {
        case ExternKind::Func:
          if (imp.type_index >= m_.types.size()) {
            return invalid(where, "unknown type " + std::to_string(imp.type_index));
          }
          break;
        case ExternKind::Table:
          CLOISTER_TRY(check_table_type(imp.table, where));
          break;
        case ExternKind::Memory:
          CLOISTER_TRY(check_memory_type(imp.memory, where));
          break;
        case ExternKind::Global:
          break;
      }
    }
    return ok();
  }

  void mark_declared(const ConstExpr& e) {
    if (e.invalid.empty() && e.kind == ConstExpr::Kind::RefFunc &&
        e.index < ctx_.declared_funcs.size()) {
      ctx_.declared_funcs[e.index] = true;
    }
  }

  void collect_declared_funcs() {
    ctx_.declared_funcs.assign(m_.total_funcs(), false);
    for (const Global& g : m_.globals) mark_declared(g.init);
    for (const ElemSegment& s : m_.elems) {
      for (const ConstExpr& e : s.items) mark_declared(e);
    }
    for (const Export& e : m_.exports) {
      if (e.kind == ExternKind::Func && e.index < ctx_.declared_funcs.size()) {
        ctx_.declared_funcs[e.index] = true;
      }
    }
  }

  // Checks a constant expression that must produce `expected`.
  // `visible_globals` is how many globals global.get may name: the imported
  // ones for global initialisers, all of them elsewhere.
  Result<void> const_expr(const ConstExpr& e, ValType expected, uint32_t visible_globals,
                          std::string_view where) {
    if (!e.invalid.empty()) return invalid(where, e.invalid);
    ValType actual = ValType::I32;
    switch (e.kind) {
      case ConstExpr::Kind::I32Const:
        actual = ValType::I32;
        break;
      case ConstExpr::Kind::I64Const:
        actual = ValType::I64;
        break;
      case ConstExpr::Kind::F32Const:
        actual = ValType::F32;
        break;
      case ConstExpr::Kind::F64Const:
        actual = ValType::F64;
        break;
      case ConstExpr::Kind::RefNull:
        actual = e.ref_type;
        break;
      case ConstExpr::Kind::RefFunc:
        if (e.index >= m_.total_funcs()) {
          return invalid(where, "unknown function " + std::to_string(e.index));
        }
        actual = ValType::FuncRef;
        break;
      case ConstExpr::Kind::GlobalGet: {
        if (e.index >= visible_globals) {
          return invalid(where, "unknown global " + std::to_string(e.index));
        }
        const GlobalType g = m_.global_type(e.index);
        if (g.mutable_) {
          return invalid(where, "constant expression required (global " + std::to_string(e.index) +
                                    " is mutable)");
        }
        actual = g.type;
        break;
      }
    }
    if (actual != expected) {
      return invalid(where, "type mismatch: expected " + std::string(to_string(expected)) +
                                " but got " + std::string(to_string(actual)));
    }
    return ok();
  }

  Result<void> globals() {
    for (size_t i = 0; i < m_.globals.size(); ++i) {
      const Global& g = m_.globals[i];
      CLOISTER_TRY(const_expr(g.init, g.type.type, m_.num_imported_globals,
                              at("global", m_.num_imported_globals + i)));
    }
    return ok();
  }

  Result<void> elems() {
    for (size_t i = 0; i < m_.elems.size(); ++i) {
      const ElemSegment& s = m_.elems[i];
      const std::string where = at("element segment", i);
      if (s.mode == ElemSegment::Mode::Active) {
        if (s.table_index >= m_.total_tables()) {
          return invalid(where, "unknown table " + std::to_string(s.table_index));
        }
        CLOISTER_TRY(const_expr(s.offset, ValType::I32, m_.num_imported_globals, where));
        const TableType t = m_.table_type(s.table_index);
        if (t.elem != s.type) {
          return invalid(where, "type mismatch: segment of " + std::string(to_string(s.type)) +
                                    " for a table of " + std::string(to_string(t.elem)));
        }
      }
      for (const ConstExpr& item : s.items) {
        CLOISTER_TRY(const_expr(item, s.type, m_.num_imported_globals, where));
      }
    }
    return ok();
  }

  Result<void> datas() {
    for (size_t i = 0; i < m_.datas.size(); ++i) {
      const DataSegment& s = m_.datas[i];
      if (s.mode != DataSegment::Mode::Active) continue;
      const std::string where = at("data segment", i);
      if (s.memory_index >= m_.total_memories()) {
        return invalid(where, "unknown memory " + std::to_string(s.memory_index));
      }
      CLOISTER_TRY(const_expr(s.offset, ValType::I32, m_.num_imported_globals, where));
    }
    return ok();
  }

  Result<void> exports() {
    std::unordered_set<std::string_view> names;
    names.reserve(m_.exports.size());
    for (size_t i = 0; i < m_.exports.size(); ++i) {
      const Export& e = m_.exports[i];
      const std::string where = "export " + std::to_string(i) + " \"" + e.name + "\"";
      uint32_t bound = 0;
      switch (e.kind) {
        case ExternKind::Func:
          bound = m_.total_funcs();
          break;
        case ExternKind::Table:
          bound = m_.total_tables();
          break;
        case ExternKind::Memory:
          bound = m_.total_memories();
          break;
        case ExternKind::Global:
          bound = m_.total_globals();
          break;
      }
      if (e.index >= bound) {
        return invalid(
            where, "unknown " +
                       std::string(e.kind == ExternKind::Func ? "function" : to_string(e.kind)) +
                       " " + std::to_string(e.index));
      }
      if (!names.insert(e.name).second) return invalid(where, "duplicate export name");
    }
    return ok();
  }

  Result<void> start() {
    if (!m_.start) return ok();
    const uint32_t f = *m_.start;
    if (f >= m_.total_funcs()) return invalid("start", "unknown function " + std::to_string(f));
    const FuncType& t = m_.func_type(f);
    if (!t.params.empty() || !t.results.empty()) {
      return invalid("start", "start function must have type [] -> []");
    }
    return ok();
  }

  const Module& m_;
  detail::ValidationContext ctx_;
};

}  // namespace

Result<void> validate_module(const Module& module, const EngineLimits& limits) {
  return ModuleValidator(module, limits).run();
}

}  // namespace cloister::wasm
