// SPDX-License-Identifier: Apache-2.0
//
// Binding the registered WASI functions into a Store, and running commands.
#include "wasi/wasi.h"

#include <utility>

#include "wasi/call.h"

namespace cloister::wasi {
namespace {

WasiRegistry build_registry() {
  WasiRegistry r;
  register_args_environ(r);
  register_clock(r);
  register_fd_io(r);
  register_fd_meta(r);
  register_fd_readdir(r);
  register_path(r);
  register_poll(r);
  register_proc(r);
  register_random(r);
  register_sock(r);
  return r;
}

wasm::FuncType type_of(const WasiFunction& f) {
  wasm::FuncType t;
  for (char c : f.params) t.params.push_back(c == 'I' ? wasm::ValType::I64 : wasm::ValType::I32);
  if (f.returns_errno) t.results.push_back(wasm::ValType::I32);
  return t;
}

const WasiFunction* find_function(std::string_view name) {
  for (const WasiFunction& f : wasi_registry().functions()) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

}  // namespace

const WasiRegistry& wasi_registry() {
  static const WasiRegistry registry = build_registry();
  return registry;
}

void define_wasi_imports(wasm::Store& store, WasiContext& ctx, wasm::ImportMap& imports) {
  for (const WasiFunction& f : wasi_registry().functions()) {
    WasiHandler handler = f.handler;
    const bool returns_errno = f.returns_errno;
    wasm::HostFunction fn = [&ctx, handler, returns_errno](
                                wasm::Caller& caller, std::span<const wasm::Value> args,
                                std::span<wasm::Value> results) -> wasm::Outcome<void> {
      WasiCall call{ctx, GuestMemory(caller.memory()), args};
      wasm::Outcome<Errno> r = handler(call);
      if (!r) return r.failure();
      if (returns_errno) results[0] = wasm::Value::i32(static_cast<uint32_t>(*r));
      return {};
    };
    wasm::FuncInst* inst = store.create_host_func(type_of(f), std::move(fn), f.name);
    imports.define(kModuleName, f.name, inst);
  }
}

std::vector<std::string> wasi_function_names() {
  std::vector<std::string> names;
  for (const WasiFunction& f : wasi_registry().functions()) names.push_back(f.name);
  return names;
}

wasm::Outcome<Errno> call_wasi(WasiContext& ctx, wasm::MemoryInst* memory, std::string_view name,
                               std::span<const wasm::Value> args) {
  const WasiFunction* f = find_function(name);
  if (f == nullptr) return wasm::Failure::error("unknown WASI function " + std::string(name));
  if (args.size() != f->params.size()) {
    return wasm::Failure::error("WASI function " + std::string(name) + " takes " +
                                std::to_string(f->params.size()) + " arguments");
  }
  WasiCall call{ctx, GuestMemory(memory), args};
  return f->handler(call);
}

wasm::Outcome<int32_t> run_command(const wasm::ModuleHandle& module, WasiContext& ctx,
                                   const wasm::EngineLimits& limits) {
  wasm::Store store(limits);
  wasm::ImportMap imports;
  define_wasi_imports(store, ctx, imports);
  wasm::Outcome<wasm::Instance*> inst = wasm::instantiate(store, module, imports.resolver());
  if (!inst) {
    // proc_exit from a start function is a normal exit.
    if (inst.failure().kind == wasm::FailureKind::Exit) return inst.failure().exit_code;
    return inst.failure();
  }
  if ((*inst)->exported_memory("memory") == nullptr) {
    return wasm::Failure::link("a WASI command must export its memory as \"memory\"");
  }
  wasm::FuncInst* start = (*inst)->exported_func("_start");
  if (start == nullptr) {
    return wasm::Failure::link("a WASI command must export a function \"_start\"");
  }
  if (!start->type().params.empty() || !start->type().results.empty()) {
    return wasm::Failure::link("\"_start\" must take no parameters and return nothing");
  }
  wasm::Outcome<std::vector<wasm::Value>> r = wasm::invoke(*start, {});
  if (!r) {
    if (r.failure().kind == wasm::FailureKind::Exit) return r.failure().exit_code;
    return r.failure();
  }
  return 0;
}

}  // namespace cloister::wasi
