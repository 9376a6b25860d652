// SPDX-License-Identifier: Apache-2.0
#include "host/launch_memfd.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace cloister::host {

Result<UniqueFd> launch_memfd(const std::vector<uint8_t>& message) {
  UniqueFd fd(::memfd_create("cloister-launch", MFD_CLOEXEC));
  if (!fd) return fail("memfd_create: ", std::strerror(errno));
  size_t done = 0;
  while (done < message.size()) {
    const ssize_t n = ::write(fd.get(), message.data() + done, message.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail("writing the launch message: ", std::strerror(errno));
    }
    done += static_cast<size_t>(n);
  }
  if (::lseek(fd.get(), 0, SEEK_SET) != 0) return fail("lseek: ", std::strerror(errno));
  return fd;
}

StdioFlagsGuard::StdioFlagsGuard(const int (&fds)[3]) {
  for (int i = 0; i < 3; ++i) {
    fds_[i] = fds[i];
    flags_[i] = ::fcntl(fds_[i], F_GETFL);
  }
}

StdioFlagsGuard::~StdioFlagsGuard() {
  for (int i = 0; i < 3; ++i) {
    if (flags_[i] >= 0 && ::fcntl(fds_[i], F_GETFL) != flags_[i]) {
      ::fcntl(fds_[i], F_SETFL, flags_[i]);
    }
  }
}

}  // namespace cloister::host
