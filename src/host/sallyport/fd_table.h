// SPDX-License-Identifier: Apache-2.0
//
// The keep's descriptor table: guest fd number -> host descriptor. It starts
// with exactly what Cloister.toml granted (installed by the VMM); the server
// adds only what it creates from those (open, accept, dup). A guest number
// that is not in the table reaches nothing, whatever host descriptors the
// VMM process holds.
#pragma once

#include <array>
#include <cstdint>

#include "base/result.h"
#include "base/unique_fd.h"
#include "sallyport/abi.h"

namespace cloister::host::sallyport {

using cloister::sallyport::kMaxFds;

class FdTable {
 public:
  FdTable() = default;
  FdTable(const FdTable&) = delete;
  FdTable& operator=(const FdTable&) = delete;

  // The host descriptor behind guest number `guest`, or -1 when there is
  // none (out of range, never granted, closed). Takes the raw 64-bit
  // argument so that AT_FDCWD and other negative numbers are simply absent.
  int host(uint64_t guest) const { return guest < kMaxFds ? entries_[guest].fd.get() : -1; }

  // Places a granted descriptor at a fixed number (the VMM, before start).
  Result<void> install(int guest, UniqueFd fd, bool read_only);

  // Whether some number >= min is free (checked before an accept, so that a
  // full table never swallows a connection).
  bool has_free(uint64_t min = 0) const { return lowest_free(min) < kMaxFds; }

  // Takes `fd` at the lowest free number >= min (as Linux allocates) and
  // returns that number, or -EMFILE (then `fd` is closed).
  int64_t add(UniqueFd fd, bool cloexec, bool read_only, uint64_t min = 0);

  // Frees a number; false when it was not open.
  bool close(uint64_t guest);

  // The guest's FD_CLOEXEC bit (the keep cannot exec, but F_GETFD reports
  // what F_SETFD set). Host descriptors are always close-on-exec.
  bool cloexec(uint64_t guest) const { return guest < kMaxFds && entries_[guest].cloexec; }
  void set_cloexec(uint64_t guest, bool on) {
    if (guest < kMaxFds) entries_[guest].cloexec = on;
  }

  // Whether the number is (derived from) a read-only grant: nothing may be
  // changed through or beneath it.
  bool read_only(uint64_t guest) const { return guest < kMaxFds && entries_[guest].read_only; }

 private:
  struct Entry {
    UniqueFd fd;
    bool cloexec = false;
    bool read_only = false;
  };
  uint64_t lowest_free(uint64_t min) const;

  std::array<Entry, kMaxFds> entries_;
};

}  // namespace cloister::host::sallyport
