// SPDX-License-Identifier: Apache-2.0
#include "spectest.h"

#include <cstdio>
#include <string>
#include <vector>

namespace cloister::specrun {

using namespace cloister::wasm;

Result<void> define_spectest(Store& store, ImportMap& imports, bool print) {
  struct PrintFunc {
    const char* name;
    std::vector<ValType> params;
  };
  const PrintFunc print_funcs[] = {
      {"print", {}},
      {"print_i32", {ValType::I32}},
      {"print_i64", {ValType::I64}},
      {"print_f32", {ValType::F32}},
      {"print_f64", {ValType::F64}},
      {"print_i32_f32", {ValType::I32, ValType::F32}},
      {"print_f64_f64", {ValType::F64, ValType::F64}},
  };
  for (const PrintFunc& p : print_funcs) {
    HostFunction fn = [print](Caller&, std::span<const Value> args,
                              std::span<Value>) -> Outcome<void> {
      if (print) {
        for (const Value& v : args) std::printf("%s\n", v.to_string().c_str());
        std::fflush(stdout);
      }
      return {};
    };
    FuncInst* f = store.create_host_func(FuncType{p.params, {}}, std::move(fn),
                                         std::string("spectest.") + p.name);
    imports.define("spectest", p.name, f);
  }

  struct GlobalDef {
    const char* name;
    Value value;
  };
  const GlobalDef globals[] = {
      {"global_i32", Value::i32(666)},
      {"global_i64", Value::i64(666)},
      {"global_f32", Value::f32(666.6f)},
      {"global_f64", Value::f64(666.6)},
  };
  for (const GlobalDef& g : globals) {
    CLOISTER_TRY_ASSIGN(GlobalInst * global,
                        store.create_global(GlobalType{g.value.type(), false}, g.value));
    imports.define("spectest", g.name, global);
  }

  CLOISTER_TRY_ASSIGN(TableInst * table,
                      store.create_table(TableType{ValType::FuncRef, Limits{10, 20}},
                                         Value::null_ref(ValType::FuncRef)));
  imports.define("spectest", "table", table);
  CLOISTER_TRY_ASSIGN(MemoryInst * memory, store.create_memory(MemoryType{Limits{1, 2}}));
  imports.define("spectest", "memory", memory);
  return ok();
}

}  // namespace cloister::specrun
