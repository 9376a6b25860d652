// SPDX-License-Identifier: Apache-2.0
//
// Writes the Cloister.toml that runs one test case the way the suite's
// README asks: empty stdin, stdout and stderr captured by the runner, the
// fixture copy preopened read-write as guest "/" (fd 3), the spec's
// arguments and its complete environment.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "spec.h"

namespace cloister::wasi_testsuite {

// A TOML basic string ("..."), with quotes, backslashes and control
// characters escaped.
std::string toml_string(std::string_view s);

std::string keep_toml(const TestCase& test, const std::optional<std::filesystem::path>& root_copy);

}  // namespace cloister::wasi_testsuite
