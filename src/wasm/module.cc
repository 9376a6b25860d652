// SPDX-License-Identifier: Apache-2.0
#include "wasm/module.h"

namespace cloister::wasm {

namespace {
const FuncType kNoFuncType{};
}  // namespace

uint32_t Module::func_type_index(uint32_t func_index) const {
  if (func_index < num_imported_funcs) {
    if (func_index >= func_imports.size()) return 0;
    return imports[func_imports[func_index]].type_index;
  }
  const uint64_t defined = uint64_t{func_index} - num_imported_funcs;
  if (defined >= functions.size()) return 0;
  return functions[defined].type_index;
}

const FuncType& Module::func_type(uint32_t func_index) const {
  const bool in_range = func_index < total_funcs();
  const uint32_t type_index = func_type_index(func_index);
  if (!in_range || type_index >= types.size()) return kNoFuncType;
  return types[type_index];
}

TableType Module::table_type(uint32_t table_index) const {
  if (table_index < num_imported_tables) {
    if (table_index >= table_imports.size()) return {};
    return imports[table_imports[table_index]].table;
  }
  const uint64_t defined = uint64_t{table_index} - num_imported_tables;
  if (defined >= tables.size()) return {};
  return tables[defined];
}

MemoryType Module::memory_type(uint32_t memory_index) const {
  if (memory_index < num_imported_memories) {
    if (memory_index >= memory_imports.size()) return {};
    return imports[memory_imports[memory_index]].memory;
  }
  const uint64_t defined = uint64_t{memory_index} - num_imported_memories;
  if (defined >= memories.size()) return {};
  return memories[defined];
}

GlobalType Module::global_type(uint32_t global_index) const {
  if (global_index < num_imported_globals) {
    if (global_index >= global_imports.size()) return {};
    return imports[global_imports[global_index]].global;
  }
  const uint64_t defined = uint64_t{global_index} - num_imported_globals;
  if (defined >= globals.size()) return {};
  return globals[defined].type;
}

}  // namespace cloister::wasm
