// SPDX-License-Identifier: Apache-2.0
//
// The WebAssembly 2.0 validator (Core Specification 2.0, chapter 3 and the
// validation algorithm of its appendix): checks a decoded Module's typing and
// index spaces, and decodes and type-checks every function body. A module
// that passes may be compiled and instantiated without further checks.
//
// Errors read "invalid module: function 12 (name), offset 0x3f0: type
// mismatch: expected i32 but got f64" (or "invalid module: <what>: <reason>"
// outside function bodies), starting with the spec test suite's reason text.
// Function bodies whose instruction syntax is malformed fail here too, as
// "malformed module: code section, function N, offset 0x...: <reason>".
#pragma once

#include "base/result.h"
#include "wasm/limits.h"
#include "wasm/module.h"

namespace cloister::wasm {

Result<void> validate_module(const Module& module, const EngineLimits& limits = {});

}  // namespace cloister::wasm
