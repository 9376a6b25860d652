// SPDX-License-Identifier: Apache-2.0
//
// The path_* functions: registration, the helpers they share, and the ones
// that only look (readlink, filestat get/set_times). Every path is resolved
// beneath its directory descriptor by confine.h; see docs/wasi.md for the
// errno choices.
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "wasi/confine.h"
#include "wasi/host_conv.h"
#include "wasi/wasi_path_common.h"

namespace cloister::wasi {

ErrnoOr<FdEntry*> path_dir(WasiCall& c, uint32_t fd, uint64_t required, bool writes) {
  FdEntry* e = c.ctx.fds().find(fd);
  if (e == nullptr) return Errno::Badf;
  if (e->type != Filetype::Directory) return Errno::NotDir;
  if ((e->rights_base & required) != required) return Errno::NotCapable;
  if (writes && e->read_only) return Errno::NotCapable;
  return e;
}

ErrnoOr<std::string> guest_string(WasiCall& c, uint32_t ptr, uint32_t len) {
  WASI_TRY_ASSIGN(std::string_view s, c.mem.string(ptr, len));
  // Linux refuses longer paths and symlink texts anyway; refusing them here
  // keeps a module from making the keep copy megabytes per call.
  if (s.size() >= PATH_MAX) return Errno::NameTooLong;
  return std::string(s);
}

namespace {

Errno check_lookupflags(uint32_t flags) {
  return (flags & ~kLookupSymlinkFollow) == 0 ? Errno::Success : Errno::Inval;
}

}  // namespace

// path_readlink(fd, path, path_len, buf, buf_len, bufused*): the link text,
// cut to buf_len bytes (the spec's truncation; not NUL-terminated).
wasm::Outcome<Errno> path_readlink(WasiCall& c) {
  WASI_TRY_ASSIGN(FdEntry * dir, path_dir(c, c.u32(0), rights::kPathReadlink, false));
  WASI_TRY_ASSIGN(std::string path, guest_string(c, c.u32(1), c.u32(2)));
  WASI_TRY_ASSIGN(std::span<uint8_t> buf, c.mem.bytes(c.u32(3), c.u32(4)));
  const uint32_t bufused_ptr = c.u32(5);
  if (!c.mem.in_bounds(bufused_ptr, sizeof(uint32_t))) return Errno::Fault;
  WASI_TRY_ASSIGN(PathTarget t, resolve_lookup(dir->host.get(), path, false));
  // A trailing slash resolved the path to what it names, which is then not a
  // symlink: what readlink(2) reports for a non-link.
  if (t.is_self()) return Errno::Inval;
  // Linux symlinks hold at most PATH_MAX - 1 bytes.
  char text[PATH_MAX];
  const ssize_t n = ::readlinkat(t.dirfd, t.c_name(), text, sizeof(text));
  if (n < 0) return last_errno();
  const size_t used = std::min(static_cast<size_t>(n), buf.size());
  std::memcpy(buf.data(), text, used);
  return c.mem.store<uint32_t>(bufused_ptr, static_cast<uint32_t>(used));
}

// path_filestat_get(fd, lookupflags, path, path_len, filestat*).
wasm::Outcome<Errno> path_filestat_get(WasiCall& c) {
  WASI_TRY_ASSIGN(FdEntry * dir, path_dir(c, c.u32(0), rights::kPathFilestatGet, false));
  const uint32_t flags = c.u32(1);
  WASI_CHECK(check_lookupflags(flags));
  WASI_TRY_ASSIGN(std::string path, guest_string(c, c.u32(2), c.u32(3)));
  const uint32_t out = c.u32(4);
  if (!c.mem.in_bounds(out, layout::kFilestatSize)) return Errno::Fault;
  WASI_TRY_ASSIGN(PathTarget t,
                  resolve_lookup(dir->host.get(), path, (flags & kLookupSymlinkFollow) != 0));
  struct stat st {};
  if (::fstatat(t.dirfd, t.c_name(), &st, t.nofollow_flags()) != 0) return last_errno();
  return store_struct(c.mem, out, filestat_from_stat(st));
}

// path_filestat_set_times(fd, lookupflags, path, path_len, atim, mtim,
// fstflags): each time is left alone, set to now, or set to the given value;
// asking for both a value and "now" is Inval, as for fd_filestat_set_times.
wasm::Outcome<Errno> path_filestat_set_times(WasiCall& c) {
  WASI_TRY_ASSIGN(FdEntry * dir, path_dir(c, c.u32(0), rights::kPathFilestatSetTimes, true));
  const uint32_t flags = c.u32(1);
  WASI_CHECK(check_lookupflags(flags));
  WASI_TRY_ASSIGN(std::string path, guest_string(c, c.u32(2), c.u32(3)));
  const uint64_t atim = c.u64(4);
  const uint64_t mtim = c.u64(5);
  const uint32_t fst = c.u32(6);
  WASI_TRY_ASSIGN(UtimensTimes times, utimens_times(atim, mtim, fst));
  WASI_TRY_ASSIGN(PathTarget t,
                  resolve_lookup(dir->host.get(), path, (flags & kLookupSymlinkFollow) != 0));
  if (::utimensat(t.dirfd, t.c_name(), times.times, t.nofollow_flags()) != 0) {
    return last_errno();
  }
  return Errno::Success;
}

void register_path(WasiRegistry& r) {
  r.add("path_create_directory", "iii", &path_create_directory);
  r.add("path_filestat_get", "iiiii", &path_filestat_get);
  r.add("path_filestat_set_times", "iiiiIIi", &path_filestat_set_times);
  r.add("path_link", "iiiiiii", &path_link);
  r.add("path_open", "iiiiiIIii", &path_open);
  r.add("path_readlink", "iiiiii", &path_readlink);
  r.add("path_remove_directory", "iii", &path_remove_directory);
  r.add("path_rename", "iiiiii", &path_rename);
  r.add("path_symlink", "iiiii", &path_symlink);
  r.add("path_unlink_file", "iii", &path_unlink_file);
}

}  // namespace cloister::wasi
