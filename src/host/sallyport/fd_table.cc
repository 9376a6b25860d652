// SPDX-License-Identifier: Apache-2.0
#include "host/sallyport/fd_table.h"

#include <cerrno>
#include <utility>

namespace cloister::host::sallyport {

Result<void> FdTable::install(int guest, UniqueFd fd, bool read_only) {
  if (guest < 0 || static_cast<uint64_t>(guest) >= kMaxFds) {
    return fail("sallyport: guest fd ", guest, " is outside 0..", kMaxFds - 1);
  }
  if (!fd) return fail("sallyport: no host descriptor to install at guest fd ", guest);
  Entry& e = entries_[static_cast<size_t>(guest)];
  if (e.fd) return fail("sallyport: guest fd ", guest, " is already installed");
  e.fd = std::move(fd);
  e.cloexec = false;
  e.read_only = read_only;
  return ok();
}

uint64_t FdTable::lowest_free(uint64_t min) const {
  for (uint64_t i = min; i < kMaxFds; ++i) {
    if (!entries_[i].fd) return i;
  }
  return kMaxFds;
}

int64_t FdTable::add(UniqueFd fd, bool cloexec, bool read_only, uint64_t min) {
  const uint64_t n = lowest_free(min);
  if (n >= kMaxFds) return -EMFILE;
  entries_[n].fd = std::move(fd);
  entries_[n].cloexec = cloexec;
  entries_[n].read_only = read_only;
  return static_cast<int64_t>(n);
}

bool FdTable::close(uint64_t guest) {
  if (guest >= kMaxFds || !entries_[guest].fd) return false;
  entries_[guest].fd.reset();
  entries_[guest].cloexec = false;
  entries_[guest].read_only = false;
  return true;
}

}  // namespace cloister::host::sallyport
