// SPDX-License-Identifier: Apache-2.0
//
// Runs one WASI test case through `cloister run` and judges the outcome.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "spec.h"

namespace cloister::wasi_testsuite {

struct RunOptions {
  std::filesystem::path cloister;       // build/cloister
  std::vector<std::string> extra_args;  // e.g. {"--backend", "nil"}
  std::filesystem::path work_dir;       // per-test scratch dirs go below it
  std::chrono::milliseconds timeout{60'000};
};

struct Outcome {
  bool passed = false;
  std::string reason;  // why it failed
  std::string out;     // the module's stdout and stderr, for -v
  std::string err;
};

// Copies the fixture (if any) to a fresh directory below work_dir, writes a
// Cloister.toml, runs `cloister run [extra] --config TOML MODULE`, compares
// exit code and stream prefixes, and removes the scratch directory (without
// following any symlink the test left behind).
Outcome run_test(const TestCase& test, const RunOptions& options);

}  // namespace cloister::wasi_testsuite
