// SPDX-License-Identifier: Apache-2.0
//
// The path_* functions that change the tree: create/remove directories,
// unlink, rename, symlink and link. Each acts on the final component relative
// to its confined parent directory and never follows a final symlink, so a
// link planted inside the tree cannot redirect a change to outside it.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wasi/confine.h"
#include "wasi/host_conv.h"
#include "wasi/wasi_path_common.h"

namespace cloister::wasi {
namespace {

// The confined target of the path at (ptr, len) relative to `dir`.
ErrnoOr<PathTarget> target_of(WasiCall& c, FdEntry* dir, uint32_t ptr, uint32_t len) {
  WASI_TRY_ASSIGN(std::string path, guest_string(c, ptr, len));
  return resolve_nofollow(dir->host.get(), path);
}

}  // namespace

// path_create_directory(fd, path, path_len).
wasm::Outcome<Errno> path_create_directory(WasiCall& c) {
  WASI_TRY_ASSIGN(FdEntry * dir, path_dir(c, c.u32(0), rights::kPathCreateDirectory, true));
  WASI_TRY_ASSIGN(PathTarget t, target_of(c, dir, c.u32(1), c.u32(2)));
  if (::mkdirat(t.dirfd, t.c_name(), 0777) != 0) return last_errno();
  return Errno::Success;
}

// path_remove_directory(fd, path, path_len): only empty directories
// (NotEmpty otherwise, NotDir for anything else).
wasm::Outcome<Errno> path_remove_directory(WasiCall& c) {
  WASI_TRY_ASSIGN(FdEntry * dir, path_dir(c, c.u32(0), rights::kPathRemoveDirectory, true));
  WASI_TRY_ASSIGN(PathTarget t, target_of(c, dir, c.u32(1), c.u32(2)));
  if (::unlinkat(t.dirfd, t.c_name(), AT_REMOVEDIR) != 0) return last_errno();
  return Errno::Success;
}

// path_unlink_file(fd, path, path_len): anything but a directory (IsDir).
// A symlink is removed itself, never what it points to.
wasm::Outcome<Errno> path_unlink_file(WasiCall& c) {
  WASI_TRY_ASSIGN(FdEntry * dir, path_dir(c, c.u32(0), rights::kPathUnlinkFile, true));
  WASI_TRY_ASSIGN(PathTarget t, target_of(c, dir, c.u32(1), c.u32(2)));
  if (::unlinkat(t.dirfd, t.c_name(), 0) != 0) return last_errno();
  return Errno::Success;
}

// path_rename(fd, old_path, old_len, new_fd, new_path, new_len).
wasm::Outcome<Errno> path_rename(WasiCall& c) {
  WASI_TRY_ASSIGN(FdEntry * old_dir, path_dir(c, c.u32(0), rights::kPathRenameSource, true));
  WASI_TRY_ASSIGN(FdEntry * new_dir, path_dir(c, c.u32(3), rights::kPathRenameTarget, true));
  WASI_TRY_ASSIGN(PathTarget from, target_of(c, old_dir, c.u32(1), c.u32(2)));
  WASI_TRY_ASSIGN(PathTarget to, target_of(c, new_dir, c.u32(4), c.u32(5)));
  if (::renameat(from.dirfd, from.c_name(), to.dirfd, to.c_name()) != 0) return last_errno();
  return Errno::Success;
}

// path_symlink(old_path, old_len, fd, new_path, new_len): creates new_path
// holding the text old_path. Absolute targets are refused (NotCapable): no
// lookup beneath a directory could ever follow them.
wasm::Outcome<Errno> path_symlink(WasiCall& c) {
  WASI_TRY_ASSIGN(std::string target, guest_string(c, c.u32(0), c.u32(1)));
  WASI_TRY_ASSIGN(FdEntry * dir, path_dir(c, c.u32(2), rights::kPathSymlink, true));
  WASI_CHECK(check_symlink_target(target));
  WASI_TRY_ASSIGN(PathTarget t, target_of(c, dir, c.u32(3), c.u32(4)));
  if (::symlinkat(target.c_str(), t.dirfd, t.c_name()) != 0) return last_errno();
  return Errno::Success;
}

// path_link(old_fd, old_flags, old_path, old_len, new_fd, new_path, new_len):
// a hard link. Following a final symlink of old_path is refused with Inval
// (as wasmtime does): linkat(2) could only do it by a second, unconfined
// lookup of the link's text.
wasm::Outcome<Errno> path_link(WasiCall& c) {
  WASI_TRY_ASSIGN(FdEntry * old_dir, path_dir(c, c.u32(0), rights::kPathLinkSource, true));
  const uint32_t old_flags = c.u32(1);
  if (old_flags != 0) return Errno::Inval;
  WASI_TRY_ASSIGN(FdEntry * new_dir, path_dir(c, c.u32(4), rights::kPathLinkTarget, true));
  WASI_TRY_ASSIGN(std::string old_path, guest_string(c, c.u32(2), c.u32(3)));
  WASI_TRY_ASSIGN(PathTarget to, target_of(c, new_dir, c.u32(5), c.u32(6)));
  if (has_trailing_slash(old_path)) {
    // A trailing slash names a directory (resolving it checks that, within
    // the tree), and directories cannot be hard-linked.
    auto resolved = resolve_follow(old_dir->host.get(), old_path);
    return resolved.ok() ? Errno::Perm : resolved.error();
  }
  WASI_TRY_ASSIGN(PathTarget from, resolve_nofollow(old_dir->host.get(), old_path));
  if (::linkat(from.dirfd, from.c_name(), to.dirfd, to.c_name(), 0) != 0) return last_errno();
  return Errno::Success;
}

}  // namespace cloister::wasi
