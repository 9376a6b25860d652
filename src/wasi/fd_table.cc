// SPDX-License-Identifier: Apache-2.0
#include "wasi/fd_table.h"

#include <utility>

namespace cloister::wasi {

ErrnoOr<uint32_t> FdTable::insert(FdEntry entry) {
  if (entries_.size() >= kMaxFds) return Errno::Mfile;
  uint32_t fd = 0;
  for (const auto& [n, e] : entries_) {
    if (n != fd) break;
    ++fd;
  }
  entries_.emplace(fd, std::move(entry));
  return fd;
}

void FdTable::insert_at(uint32_t fd, FdEntry entry) {
  entries_.insert_or_assign(fd, std::move(entry));
}

FdEntry* FdTable::find(uint32_t fd) {
  auto it = entries_.find(fd);
  return it == entries_.end() ? nullptr : &it->second;
}

ErrnoOr<FdEntry*> FdTable::get(uint32_t fd, uint64_t required_base) {
  FdEntry* e = find(fd);
  if (e == nullptr) return Errno::Badf;
  if ((e->rights_base & required_base) != required_base) return Errno::NotCapable;
  return e;
}

Errno FdTable::close(uint32_t fd) {
  return entries_.erase(fd) == 1 ? Errno::Success : Errno::Badf;
}

Errno FdTable::renumber(uint32_t from, uint32_t to) {
  auto src = entries_.find(from);
  if (src == entries_.end() || entries_.find(to) == entries_.end()) return Errno::Badf;
  if (from == to) return Errno::Success;
  FdEntry moved = std::move(src->second);
  entries_.erase(src);
  entries_.insert_or_assign(to, std::move(moved));
  return Errno::Success;
}

}  // namespace cloister::wasi
