// SPDX-License-Identifier: Apache-2.0
//
// Conversions between script values and engine values, and the matching rules
// of assert_return: numbers bit-exact, NaN patterns as the spec's script
// format defines them, references by nullness and (externref) host value.
#pragma once

#include <string>

#include "base/result.h"
#include "script.h"
#include "wasm/runtime.h"

namespace cloister::specrun {

// An argument as an engine value. Fails for v128 (no SIMD) and for a
// non-null funcref, which the script format cannot express as an argument.
Result<wasm::Value> to_engine_value(const ScriptValue& v);

// True when `actual` matches the expected pattern `expected`.
bool matches(const wasm::Value& actual, const ScriptValue& expected);

// Canonical NaN: exponent all ones, only the most significant fraction bit set
// (either sign). Arithmetic NaN: exponent all ones and that bit set.
bool is_canonical_nan_f32(uint32_t bits);
bool is_arithmetic_nan_f32(uint32_t bits);
bool is_canonical_nan_f64(uint64_t bits);
bool is_arithmetic_nan_f64(uint64_t bits);

}  // namespace cloister::specrun
