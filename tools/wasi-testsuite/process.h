// SPDX-License-Identifier: Apache-2.0
//
// Runs a program with /dev/null as stdin, captures its stdout and stderr, and
// kills its whole process group when it overruns a deadline.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "base/result.h"

namespace cloister::wasi_testsuite {

struct ProcessResult {
  int exit_code = -1;  // when it exited
  int signal = 0;      // when a signal ended it
  bool timed_out = false;
  std::string out;
  std::string err;
};

Result<ProcessResult> run_process(const std::vector<std::string>& argv,
                                  std::chrono::milliseconds timeout);

}  // namespace cloister::wasi_testsuite
