// SPDX-License-Identifier: Apache-2.0
//
// cloister-keep: the program that runs inside every keep. The host starts it
// with the launch message at fd 3 (see launch.h) and the granted descriptors
// at the numbers the message names; it never takes arguments or environment
// from the host. Built fully static so that it runs unchanged where there is
// no dynamic loader (the KVM shim).
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "keep/keep_runner.h"
#include "keep/launch.h"

namespace {

// Reads the whole launch message, refusing more than the module limit plus
// room for the rest of the message.
bool read_launch(int fd, std::vector<uint8_t>* out) {
  constexpr size_t kMax = size_t{cloister::keep::kMaxModuleBytes} + (size_t{64} << 20);
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
    out->reserve(static_cast<size_t>(st.st_size) < kMax ? static_cast<size_t>(st.st_size) : kMax);
  }
  uint8_t buf[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n == 0) return true;
    if (n < 0) {
      if (errno == EINTR) continue;
      std::fprintf(stderr, "cloister-keep: reading the launch message: %s\n", std::strerror(errno));
      return false;
    }
    if (out->size() + static_cast<size_t>(n) > kMax) {
      std::fprintf(stderr, "cloister-keep: the launch message exceeds %zu bytes\n", kMax);
      return false;
    }
    out->insert(out->end(), buf, buf + n);
  }
}

}  // namespace

int main(int argc, char**) {
  using namespace cloister::keep;
  if (argc > 1) {
    std::fprintf(stderr,
                 "cloister-keep: takes no arguments; it is started by `cloister run` with its "
                 "launch message at fd %d\n",
                 kLaunchFd);
    return kExitNoStart;
  }
  // A module writing to a closed pipe gets EPIPE (WASI's `pipe`), not a
  // signal that would end the keep.
  ::signal(SIGPIPE, SIG_IGN);
  std::vector<uint8_t> bytes;
  if (!read_launch(kLaunchFd, &bytes)) return kExitNoStart;
  ::close(kLaunchFd);
  auto launch = decode_launch(bytes);
  if (!launch) {
    std::fprintf(stderr, "cloister-keep: %s\n", launch.error().message().c_str());
    return kExitNoStart;
  }
  bytes.clear();
  bytes.shrink_to_fit();
  return run_launch(std::move(*launch));
}
