// SPDX-License-Identifier: Apache-2.0
//
// The `spectest` host module that the spec tests import from, as the
// reference interpreter defines it (interpreter/host/spectest.ml): print
// functions, four immutable globals, a table and a memory.
#pragma once

#include "base/result.h"
#include "wasm/runtime.h"

namespace cloister::specrun {

// Creates spectest's objects in `store` and makes them importable from
// `imports` under module name "spectest". With `print`, the print functions
// write their arguments to stdout as the reference interpreter does;
// otherwise they do nothing (the tests never observe their output).
Result<void> define_spectest(wasm::Store& store, wasm::ImportMap& imports, bool print);

}  // namespace cloister::specrun
