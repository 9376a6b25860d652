// SPDX-License-Identifier: Apache-2.0
//
// The WebAssembly 2.0 binary decoder (Core Specification 2.0, chapter 5):
// bytes -> Module. It checks everything the binary format itself requires
// (structure, section order and sizes, LEB128 encodings, UTF-8 names, counts
// that agree) and the engine's size limits, but not typing or index validity:
// that is validate_module's job, as the spec separates "malformed" from
// "invalid". Function bodies are kept as byte ranges and their instructions
// are decoded by the validator.
//
// Errors read "malformed module: <section> section, offset 0x1a2: <reason>"
// (with ", function N" for code-section entries); <reason> starts with the
// spec test suite's reason text where one exists.
#pragma once

#include <cstdint>
#include <span>

#include "base/result.h"
#include "wasm/limits.h"
#include "wasm/module.h"

namespace cloister::wasm {

Result<Module> decode_module(std::span<const uint8_t> bytes, const EngineLimits& limits = {});

// True when `bytes` is well-formed UTF-8 (no overlong forms, no surrogates,
// nothing above U+10FFFF), as names in the binary format must be.
bool is_valid_utf8(std::span<const uint8_t> bytes);

}  // namespace cloister::wasm
