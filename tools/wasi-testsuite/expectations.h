// SPDX-License-Identifier: Apache-2.0
//
// The list of tests allowed to fail (--expect-fail FILE). One test per line:
//   <lang>/<name>  <reason>
// Blank lines and lines starting with '#' are ignored. Every entry needs a
// reason: a failure nobody can explain is not an expected one.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "base/result.h"

namespace cloister::wasi_testsuite {

// Test id -> reason.
using Expectations = std::map<std::string, std::string>;

Result<Expectations> parse_expectations(std::string_view text, std::string_view source_name);

}  // namespace cloister::wasi_testsuite
