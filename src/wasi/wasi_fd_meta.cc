// SPDX-License-Identifier: Apache-2.0
//
// Descriptor bookkeeping and metadata: fd_close, fd_renumber, fd_fdstat_get,
// fd_fdstat_set_flags, fd_fdstat_set_rights, fd_filestat_get,
// fd_filestat_set_size, fd_filestat_set_times, fd_prestat_get and
// fd_prestat_dir_name.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <limits>

#include "wasi/call.h"
#include "wasi/host_conv.h"

namespace cloister::wasi {
namespace {

// fd_close(fd). Preopened directories may be closed too (the test suite's
// close_preopen expects it); the module only loses its own capability.
wasm::Outcome<Errno> fd_close(WasiCall& c) {
  return c.ctx.fds().close(c.u32(0));
}

// fd_renumber(from, to): `to` must be open (Badf otherwise, as the test
// suite's renumber expects); it is closed and replaced by `from`.
wasm::Outcome<Errno> fd_renumber(WasiCall& c) {
  return c.ctx.fds().renumber(c.u32(0), c.u32(1));
}

// The WASI fdflags of a host descriptor, from fcntl(F_GETFL). Linux's O_SYNC
// includes the O_DSYNC bit and O_RSYNC is O_SYNC, so a descriptor opened with
// SYNC reports SYNC|DSYNC and RSYNC is never reported on its own.
ErrnoOr<uint16_t> fdflags_of(int fd) {
  const int fl = ::fcntl(fd, F_GETFL);
  if (fl < 0) return last_errno();
  uint16_t flags = 0;
  if (fl & O_APPEND) flags |= kFdflagAppend;
  if (fl & O_NONBLOCK) flags |= kFdflagNonblock;
  if (fl & O_DSYNC) flags |= kFdflagDsync;
  if ((fl & O_SYNC) == O_SYNC) flags |= kFdflagSync;
  return flags;
}

// fd_fdstat_get(fd, fdstat_ptr). Needs no right: it is how a module learns
// what it may do.
wasm::Outcome<Errno> fd_fdstat_get(WasiCall& c) {
  const uint32_t fd = c.u32(0), out = c.u32(1);
  WASI_TRY_ASSIGN(FdEntry * e, c.ctx.fds().get(fd, 0));
  if (!c.mem.in_bounds(out, layout::kFdstatSize)) return Errno::Fault;
  WASI_TRY_ASSIGN(uint16_t flags, fdflags_of(e->host.get()));
  StructWriter<layout::kFdstatSize> w;
  w.put<uint8_t>(layout::kFdstatFiletype, static_cast<uint8_t>(e->type));
  w.put<uint16_t>(layout::kFdstatFlags, flags);
  w.put<uint64_t>(layout::kFdstatRightsBase, e->rights_base);
  w.put<uint64_t>(layout::kFdstatRightsInheriting, e->rights_inheriting);
  return store_struct(c.mem, out, w);
}

// fd_fdstat_set_flags(fd, flags). Only APPEND and NONBLOCK can change on an
// open Linux descriptor (F_SETFL ignores the sync flags), so asking for
// DSYNC, RSYNC or SYNC is Inval, as in wasmtime; unknown bits are Inval too.
wasm::Outcome<Errno> fd_fdstat_set_flags(WasiCall& c) {
  const uint32_t fd = c.u32(0), flags = c.u32(1);
  WASI_TRY_ASSIGN(FdEntry * e, c.ctx.fds().get(fd, rights::kFdFdstatSetFlags));
  if ((flags & ~uint32_t{kFdflagAppend | kFdflagNonblock}) != 0) return Errno::Inval;
  const int fl = ::fcntl(e->host.get(), F_GETFL);
  if (fl < 0) return last_errno();
  int next = fl & ~(O_APPEND | O_NONBLOCK);
  if (flags & kFdflagAppend) next |= O_APPEND;
  if (flags & kFdflagNonblock) next |= O_NONBLOCK;
  if (next != fl && ::fcntl(e->host.get(), F_SETFL, next) != 0) return last_errno();
  return Errno::Success;
}

// fd_fdstat_set_rights(fd, base, inheriting): rights can only be dropped;
// asking for one the descriptor does not hold is NotCapable.
wasm::Outcome<Errno> fd_fdstat_set_rights(WasiCall& c) {
  const uint32_t fd = c.u32(0);
  const uint64_t base = c.u64(1), inheriting = c.u64(2);
  WASI_TRY_ASSIGN(FdEntry * e, c.ctx.fds().get(fd, 0));
  if ((base & ~e->rights_base) != 0 || (inheriting & ~e->rights_inheriting) != 0) {
    return Errno::NotCapable;
  }
  e->rights_base = base;
  e->rights_inheriting = inheriting;
  return Errno::Success;
}

// fd_filestat_get(fd, filestat_ptr).
wasm::Outcome<Errno> fd_filestat_get(WasiCall& c) {
  const uint32_t fd = c.u32(0), out = c.u32(1);
  WASI_TRY_ASSIGN(FdEntry * e, c.ctx.fds().get(fd, rights::kFdFilestatGet));
  if (!c.mem.in_bounds(out, layout::kFilestatSize)) return Errno::Fault;
  struct stat st {};
  if (::fstat(e->host.get(), &st) != 0) return last_errno();
  return store_struct(c.mem, out, filestat_from_stat(st));
}

// fd_filestat_set_size(fd, size): ftruncate. Sizes beyond off_t are Inval
// (ftruncate's answer for a negative length).
wasm::Outcome<Errno> fd_filestat_set_size(WasiCall& c) {
  const uint32_t fd = c.u32(0);
  const uint64_t size = c.u64(1);
  WASI_TRY_ASSIGN(FdEntry * e, c.ctx.fds().get(fd, rights::kFdFilestatSetSize));
  if (e->read_only) return Errno::NotCapable;
  if (size > static_cast<uint64_t>(std::numeric_limits<off_t>::max())) return Errno::Inval;
  int r;
  do {
    r = ::ftruncate(e->host.get(), static_cast<off_t>(size));
  } while (r != 0 && errno == EINTR);
  if (r != 0) return last_errno();
  return Errno::Success;
}

// fd_filestat_set_times(fd, atim, mtim, fstflags).
wasm::Outcome<Errno> fd_filestat_set_times(WasiCall& c) {
  const uint32_t fd = c.u32(0), fst = c.u32(3);
  const uint64_t atim = c.u64(1), mtim = c.u64(2);
  WASI_TRY_ASSIGN(FdEntry * e, c.ctx.fds().get(fd, rights::kFdFilestatSetTimes));
  if (e->read_only) return Errno::NotCapable;
  WASI_TRY_ASSIGN(UtimensTimes t, utimens_times(atim, mtim, fst));
  if (::futimens(e->host.get(), t.times) != 0) return last_errno();
  return Errno::Success;
}

// The preopened directory at `fd`: Badf when `fd` is closed or is not a
// preopen (wasi-libc scans fds from 3 upwards until fd_prestat_get fails).
ErrnoOr<FdEntry*> get_preopen(WasiCall& c, uint32_t fd) {
  WASI_TRY_ASSIGN(FdEntry * e, c.ctx.fds().get(fd, 0));
  if (!e->is_preopen) return Errno::Badf;
  return e;
}

// fd_prestat_get(fd, prestat_ptr): tag "dir" and the name's length.
wasm::Outcome<Errno> fd_prestat_get(WasiCall& c) {
  const uint32_t fd = c.u32(0), out = c.u32(1);
  WASI_TRY_ASSIGN(FdEntry * e, get_preopen(c, fd));
  if (e->preopen.size() > std::numeric_limits<uint32_t>::max()) return Errno::NameTooLong;
  StructWriter<layout::kPrestatSize> w;
  w.put<uint8_t>(layout::kPrestatTag, kPreopentypeDir);
  w.put<uint32_t>(layout::kPrestatDirNameLen, static_cast<uint32_t>(e->preopen.size()));
  return store_struct(c.mem, out, w);
}

// fd_prestat_dir_name(fd, path_ptr, path_len): the name without a NUL. A
// buffer shorter than the name is NameTooLong (as wasmtime); a longer one is
// fine and only the name's bytes are written.
wasm::Outcome<Errno> fd_prestat_dir_name(WasiCall& c) {
  const uint32_t fd = c.u32(0), ptr = c.u32(1), len = c.u32(2);
  WASI_TRY_ASSIGN(FdEntry * e, get_preopen(c, fd));
  if (e->preopen.size() > len) return Errno::NameTooLong;
  WASI_TRY_ASSIGN(auto dst, c.mem.bytes(ptr, e->preopen.size()));
  std::memcpy(dst.data(), e->preopen.data(), e->preopen.size());
  return Errno::Success;
}

}  // namespace

void register_fd_meta(WasiRegistry& r) {
  r.add("fd_close", "i", &fd_close);
  r.add("fd_renumber", "ii", &fd_renumber);
  r.add("fd_fdstat_get", "ii", &fd_fdstat_get);
  r.add("fd_fdstat_set_flags", "ii", &fd_fdstat_set_flags);
  r.add("fd_fdstat_set_rights", "iII", &fd_fdstat_set_rights);
  r.add("fd_filestat_get", "ii", &fd_filestat_get);
  r.add("fd_filestat_set_size", "iI", &fd_filestat_set_size);
  r.add("fd_filestat_set_times", "iIIi", &fd_filestat_set_times);
  r.add("fd_prestat_get", "ii", &fd_prestat_get);
  r.add("fd_prestat_dir_name", "iii", &fd_prestat_dir_name);
}

}  // namespace cloister::wasi
