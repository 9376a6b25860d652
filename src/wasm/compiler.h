// SPDX-License-Identifier: Apache-2.0
//
// Compiles validated function bodies into the internal form of ir.h. The
// compiler trusts the validator for typing but still checks every index and
// stack height it uses, so a module that skipped validation (or a validator
// bug) gives an error, never undefined behaviour.
#pragma once

#include <cstdint>

#include "base/result.h"
#include "wasm/ir.h"
#include "wasm/limits.h"
#include "wasm/module.h"

namespace cloister::wasm {

// Compiles defined function `defined_index` (0 = the first non-imported one).
Result<CompiledFunction> compile_function(const Module& module, uint32_t defined_index,
                                          const EngineLimits& limits);

}  // namespace cloister::wasm
