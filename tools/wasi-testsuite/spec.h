// SPDX-License-Identifier: Apache-2.0
//
// The WASI test suite's test cases: one `<name>.wasm` per test, with an
// optional `<name>.json` specification next to it (format in the suite's
// README.md: args, complete env, `root` fixture dir, exit code, stdout and
// stderr prefixes).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"

namespace cloister::wasi_testsuite {

struct TestCase {
  std::string id;  // "<lang>/<name>", e.g. "rust/fd_readdir"
  std::filesystem::path wasm;
  std::vector<std::string> args;                         // after argv[0]
  std::vector<std::pair<std::string, std::string>> env;  // the complete environment
  std::optional<std::filesystem::path> root;             // preopened as guest "/"
  int exit_code = 0;
  std::optional<std::string> stdout_prefix;
  std::optional<std::string> stderr_prefix;
};

// Parses one specification (`json_text` from `json_path`); `root` is resolved
// against the spec's directory. Unknown keys and the "operations" form are
// errors, so that a newer suite is noticed rather than half-run.
Result<TestCase> parse_spec(std::string id, std::filesystem::path wasm, std::string_view json_text,
                            const std::filesystem::path& json_path);

// Every test under `suite_dir`/tests/<lang>/testsuite/wasm32-wasip1/, sorted
// by id.
Result<std::vector<TestCase>> discover_tests(const std::filesystem::path& suite_dir);

}  // namespace cloister::wasi_testsuite
