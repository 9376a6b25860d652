// SPDX-License-Identifier: Apache-2.0
//
// A decoded WebAssembly module: the output of the binary decoder and the
// input of the validator, the compiler and instantiation. It mirrors the
// abstract syntax of the Core Specification 2.0 (section 2.5). Function
// bodies stay as byte ranges of the original binary: the validator checks
// them and the compiler turns them into the interpreter's internal form, so
// the raw bytes are never looked at while a function runs.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "wasm/types.h"

namespace cloister::wasm {

// A constant expression (initialisers of globals, segment offsets, element
// items). In Wasm 2.0 it is exactly one instruction followed by `end`.
struct ConstExpr {
  enum class Kind : uint8_t { I32Const, I64Const, F32Const, F64Const, RefNull, RefFunc, GlobalGet };
  Kind kind = Kind::I32Const;
  uint64_t bits = 0;                    // the constant's bits (floats bit-exact, i32 zero-extended)
  uint32_t index = 0;                   // function index (RefFunc) or global index (GlobalGet)
  ValType ref_type = ValType::FuncRef;  // RefNull's type
  size_t offset = 0;                    // byte offset of the expression in the binary, for errors
  // Non-empty when the bytes were well-formed instructions but not one valid
  // 2.0 constant instruction followed by `end` (e.g. `i32.add`, two values or
  // none): the spec makes that a validation error, not a decoding error, so
  // the decoder records the reason here (a static string) and the validator
  // reports it. Only a ConstExpr with an empty `invalid` is meaningful.
  std::string_view invalid;
};

struct Import {
  std::string module;
  std::string name;
  ExternKind kind = ExternKind::Func;
  uint32_t type_index = 0;  // kind == Func: index into Module::types
  TableType table;          // kind == Table
  MemoryType memory;        // kind == Memory
  GlobalType global;        // kind == Global
};

struct Export {
  std::string name;
  ExternKind kind = ExternKind::Func;
  uint32_t index = 0;  // in the index space of `kind` (imports first)
};

struct Global {
  GlobalType type;
  ConstExpr init;
};

struct ElemSegment {
  enum class Mode : uint8_t { Active, Passive, Declarative };
  Mode mode = Mode::Active;
  uint32_t table_index = 0;  // Active only
  ConstExpr offset;          // Active only
  ValType type = ValType::FuncRef;
  std::vector<ConstExpr> items;  // each RefFunc, RefNull or GlobalGet
};

struct DataSegment {
  enum class Mode : uint8_t { Active, Passive };
  Mode mode = Mode::Active;
  uint32_t memory_index = 0;       // Active only
  ConstExpr offset;                // Active only
  std::span<const uint8_t> bytes;  // view into Module::binary
};

// A run of locals of one type, as encoded in the code section.
struct LocalGroup {
  uint32_t count = 0;
  ValType type = ValType::I32;
};

// A function defined by the module (not imported).
struct Function {
  uint32_t type_index = 0;
  std::vector<LocalGroup> locals;  // declared locals, after the parameters
  uint64_t local_count = 0;        // sum of locals[].count (checked against limits)
  std::span<const uint8_t> body;   // expression bytes after the locals, ending with `end`
  size_t body_offset = 0;          // offset of `body` in the binary
};

struct Module {
  // The binary the module was decoded from. Spans above point into it, so a
  // Module owns a copy and must not be copied member-wise into another
  // buffer without re-pointing them (Module is move-only for that reason).
  std::vector<uint8_t> binary;

  std::vector<FuncType> types;
  std::vector<Import> imports;
  std::vector<Function> functions;   // defined functions only
  std::vector<TableType> tables;     // defined tables only
  std::vector<MemoryType> memories;  // defined memories only
  std::vector<Global> globals;       // defined globals only
  std::vector<Export> exports;
  std::optional<uint32_t> start;
  std::vector<ElemSegment> elems;
  std::vector<DataSegment> datas;
  std::optional<uint32_t> data_count;  // from the DataCount section, if present

  // Counts of imports per kind, so index spaces can be split into
  // "imported" [0, num_imported_*) and "defined" [num_imported_*, ...).
  uint32_t num_imported_funcs = 0;
  uint32_t num_imported_tables = 0;
  uint32_t num_imported_memories = 0;
  uint32_t num_imported_globals = 0;

  // Position in `imports` of each imported function/table/memory/global, in
  // index-space order; filled by the decoder so the accessors below are O(1).
  std::vector<uint32_t> func_imports;
  std::vector<uint32_t> table_imports;
  std::vector<uint32_t> memory_imports;
  std::vector<uint32_t> global_imports;

  // From the `name` custom section (function index -> name), for traps.
  // Malformed name sections are ignored, as the spec requires.
  std::unordered_map<uint32_t, std::string> function_names;

  Module() = default;
  Module(Module&&) = default;
  Module& operator=(Module&&) = default;
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  uint32_t total_funcs() const {
    return num_imported_funcs + static_cast<uint32_t>(functions.size());
  }
  uint32_t total_tables() const {
    return num_imported_tables + static_cast<uint32_t>(tables.size());
  }
  uint32_t total_memories() const {
    return num_imported_memories + static_cast<uint32_t>(memories.size());
  }
  uint32_t total_globals() const {
    return num_imported_globals + static_cast<uint32_t>(globals.size());
  }

  // Accessors over the index spaces (imports first). Preconditions: the index
  // is in range and, for func_type, the type index too (the validator checks
  // both); out-of-range arguments yield an empty/default value, never UB.
  // Type of function `func_index` in the function index space (imports first).
  const FuncType& func_type(uint32_t func_index) const;
  uint32_t func_type_index(uint32_t func_index) const;
  TableType table_type(uint32_t table_index) const;
  MemoryType memory_type(uint32_t memory_index) const;
  GlobalType global_type(uint32_t global_index) const;
};

}  // namespace cloister::wasm
