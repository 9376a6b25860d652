// SPDX-License-Identifier: Apache-2.0
//
// Pieces every backend needs to hand a workload to the keep program: the
// launch message as a memory file (the keep reads it at fd 3), and putting
// back the user's stdio status flags afterwards.
#pragma once

#include <cstdint>
#include <vector>

#include "base/result.h"
#include "base/unique_fd.h"

namespace cloister::host {

// A close-on-exec memory file holding `message`, positioned at its start.
Result<UniqueFd> launch_memfd(const std::vector<uint8_t>& message);

// The keep shares the user's stdin/stdout/stderr open file descriptions, so
// a module that sets O_NONBLOCK or O_APPEND on them (fd_fdstat_set_flags)
// would leave the user's terminal changed. Their status flags are put back
// when the keep ends.
class StdioFlagsGuard {
 public:
  explicit StdioFlagsGuard(const int (&fds)[3] = kStdio);
  ~StdioFlagsGuard();
  StdioFlagsGuard(const StdioFlagsGuard&) = delete;
  StdioFlagsGuard& operator=(const StdioFlagsGuard&) = delete;

 private:
  static constexpr int kStdio[3] = {0, 1, 2};
  int fds_[3];
  int flags_[3] = {-1, -1, -1};
};

}  // namespace cloister::host
