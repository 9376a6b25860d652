// SPDX-License-Identifier: Apache-2.0
#include "host/sallyport/confine.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace cloister::host::sallyport {
namespace {

// How often openat2 is retried when RESOLVE_BENEATH saw a rename or mount
// race with a ".." step (EAGAIN).
constexpr int kRaceRetries = 8;

}  // namespace

int check_component(const BlockString& name, bool* trailing_slash) {
  size_t n = name.len;
  if (n == 0) return ENOENT;
  while (n > 0 && name.text[n - 1] == '/') --n;
  *trailing_slash = n != name.len;
  if (n == 0) return EPERM;  // "/", "//": the host root
  if (std::memchr(name.text, '/', n) != nullptr) return EPERM;
  if (n == 2 && name.text[0] == '.' && name.text[1] == '.') return EPERM;
  return 0;
}

int64_t open_beneath(int dirfd, const char* path, uint64_t flags, uint64_t mode, uint64_t resolve,
                     UniqueFd* out) {
  struct open_how how {};
  how.flags = flags | O_CLOEXEC;
  how.mode = mode;
  how.resolve = resolve | RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  for (int attempt = 0;; ++attempt) {
    const long fd = ::syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
    if (fd >= 0) {
      out->reset(static_cast<int>(fd));
      return 0;
    }
    // EINTR is passed on: the VMM may be stopping (a FIFO open blocks).
    if (errno == EAGAIN && attempt < kRaceRetries) continue;
    return -static_cast<int64_t>(errno);
  }
}

int64_t resolve_follow(int dirfd, const char* name, UniqueFd* out) {
  return open_beneath(dirfd, name, O_PATH, 0, 0, out);
}

}  // namespace cloister::host::sallyport
