// SPDX-License-Identifier: Apache-2.0
//
// Running a VM in a test with pipes for its stdio: what it wrote to stdout
// and stderr comes back as strings. Shared by the VMM, shim, hostile-guest
// and hostile-host tests.
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <functional>
#include <string>

#include "base/result.h"
#include "base/unique_fd.h"
#include "host/kvm/kvm_backend.h"

namespace cloister::host::kvm_testing {

struct CapturedRun {
  Result<int> status = fail("not run");
  std::string out, err;
};

struct Capture {
  std::string stdin_text;      // written to the keep's stdin, which then ends...
  bool stdin_open = false;     // ...unless it stays open (a read blocks)
  bool stdout_closed = false;  // the reader of stdout has gone (EPIPE tests)
};

inline std::string drain(int fd) {
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  return out;
}

// Calls `start` with `options` whose stdio are pipes, then collects the
// output. Output must fit a pipe's buffer (64 KiB): it is read afterwards.
inline CapturedRun run_captured(KvmOptions options, const Capture& capture,
                                const std::function<Result<int>(const KvmOptions&)>& start) {
  CapturedRun r;
  int in[2], out[2], err[2];
  if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) {
    r.status = fail("pipe2 failed");
    return r;
  }
  UniqueFd in_read(in[0]), out_read(out[0]), out_write(out[1]), err_read(err[0]), err_write(err[1]);
  if (!capture.stdin_text.empty() &&
      ::write(in[1], capture.stdin_text.data(), capture.stdin_text.size()) !=
          static_cast<ssize_t>(capture.stdin_text.size())) {
    r.status = fail("writing the keep's stdin failed");
    return r;
  }
  UniqueFd in_write(in[1]);
  if (!capture.stdin_open) in_write.reset();
  if (capture.stdout_closed) out_read.reset();
  options.stdio[0] = in_read.get();
  options.stdio[1] = out_write.get();
  options.stdio[2] = err_write.get();
  r.status = start(options);
  out_write.reset();
  err_write.reset();
  if (out_read) r.out = drain(out_read.get());
  r.err = drain(err_read.get());
  return r;
}

}  // namespace cloister::host::kvm_testing
