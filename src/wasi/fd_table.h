// SPDX-License-Identifier: Apache-2.0
//
// The module's file descriptor table: WASI fd numbers mapped to host
// descriptors, each with the WASI rights it holds. The module only ever names
// WASI numbers; a host descriptor it was not given is unreachable.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "base/unique_fd.h"
#include "wasi/abi.h"
#include "wasi/guest_memory.h"

namespace cloister::wasi {

struct FdEntry {
  UniqueFd host;
  Filetype type = Filetype::Unknown;
  uint64_t rights_base = 0;
  uint64_t rights_inheriting = 0;
  // Preopened directories: the guest path (fd_prestat_dir_name). Empty for
  // everything else, including directories opened with path_open.
  std::string preopen;
  bool is_preopen = false;
  // Set on everything reached through a read-only preopen; such entries can
  // never regain write rights (path_open masks them off).
  bool read_only = false;
  // Listening sockets accept; connected ones send/recv.
  bool is_listener = false;
};

class FdTable {
 public:
  // Upper bound on simultaneously open WASI fds (EMFILE beyond it).
  static constexpr size_t kMaxFds = 1024;

  // Places `entry` at the lowest free number, or fails with Mfile.
  ErrnoOr<uint32_t> insert(FdEntry entry);
  // Places `entry` at `fd` (which must be free).
  void insert_at(uint32_t fd, FdEntry entry);

  // The entry, or nullptr when `fd` is not open.
  FdEntry* find(uint32_t fd);
  // The entry if it is open (else Badf) and holds every right in
  // `required_base` (else NotCapable).
  ErrnoOr<FdEntry*> get(uint32_t fd, uint64_t required_base);

  // Closes `fd` (Badf when not open).
  Errno close(uint32_t fd);
  // fd_renumber semantics: atomically replaces `to` (which must be open) by
  // `from`, closing what `to` held; `from` stops existing. Badf when either
  // is not open.
  Errno renumber(uint32_t from, uint32_t to);

  size_t size() const { return entries_.size(); }

 private:
  std::map<uint32_t, FdEntry> entries_;
};

}  // namespace cloister::wasi
