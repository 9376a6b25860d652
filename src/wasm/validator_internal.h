// SPDX-License-Identifier: Apache-2.0
//
// Shared between the module-level validator (validator.cc) and the function
// body validator (validate_function.cc). Not part of the public interface.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "wasm/limits.h"
#include "wasm/module.h"

namespace cloister::wasm::detail {

struct ValidationContext {
  const Module& module;
  const EngineLimits& limits;
  // C.refs of the spec: functions that ref.func may name inside bodies,
  // because they occur outside of them (exports, element segments, global
  // initialisers).
  std::vector<bool> declared_funcs;
};

// "function 12" or "function 12 ($name)" for messages.
std::string describe_function(const Module& module, uint32_t func_index);

// Validates the body of defined function `defined_index` (its index among
// Module::functions, not in the function index space).
Result<void> validate_function(const ValidationContext& ctx, uint32_t defined_index);

}  // namespace cloister::wasm::detail
