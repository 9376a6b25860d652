// SPDX-License-Identifier: Apache-2.0
//
// Path confinement: turning a guest path relative to a directory descriptor
// into something a Linux *at system call can act on without ever reaching
// outside that directory, whatever the path or the tree's symlinks say.
//
// Every lookup goes through openat2(2) with RESOLVE_BENEATH |
// RESOLVE_NO_MAGICLINKS: the kernel itself refuses absolute paths, ".."
// above the starting directory and symlinks (absolute or relative) that lead
// out, atomically, so a concurrent rename cannot open a hole between a check
// and a use. Operations on a final component (mkdir, unlink, rename, ...)
// resolve the parent directory that way and then act on the last name
// relative to the pinned parent descriptor, never following a final symlink.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "base/unique_fd.h"
#include "wasi/abi.h"
#include "wasi/guest_memory.h"

namespace cloister::wasi {

// Checks a guest path before any lookup: empty -> NoEnt, an embedded NUL ->
// Inval (Linux would silently cut the path there), not UTF-8 -> Ilseq (WASI
// strings are UTF-8), absolute -> NotCapable (a path is always relative to
// its directory descriptor; the guest has no host root).
Errno check_guest_path(std::string_view path);

// The same checks for a symlink's target text (path_symlink's old_path):
// absolute targets are refused with NotCapable since they could never be
// followed beneath a directory. Relative targets that climb out with ".."
// are stored as given: every later lookup through them is confined, so they
// can only ever fail to resolve, never lead out.
Errno check_symlink_target(std::string_view target);

// Whether `path` ends with '/' (which makes Linux follow a final symlink
// even for lookups that otherwise do not).
bool has_trailing_slash(std::string_view path);

// openat2(dirfd, path, flags, mode) confined beneath dirfd, with O_CLOEXEC
// (and O_NOCTTY unless O_PATH) added. Escapes (EXDEV from the kernel) become NotCapable;
// the kernel's EAGAIN from a concurrent rename is retried a few times.
// `path` must have passed check_guest_path.
ErrnoOr<UniqueFd> open_beneath(int dirfd, const std::string& path, int flags, mode_t mode = 0);

// Where a path_* operation acts: `name` relative to `dirfd`. `dirfd` is
// either the caller's directory or `owned`, a descriptor opened during
// resolution. An empty `name` means `dirfd` itself (an O_PATH descriptor of
// the fully resolved target): use AT_EMPTY_PATH.
struct PathTarget {
  UniqueFd owned;
  int dirfd = -1;
  std::string name;

  bool is_self() const { return name.empty(); }
  const char* c_name() const { return name.c_str(); }
  // The *at flags that act on the final component itself: AT_EMPTY_PATH for
  // a resolved descriptor, else AT_SYMLINK_NOFOLLOW.
  int nofollow_flags() const;
};

// Resolves `path` for an operation on its final component that must not
// follow a final symlink: the parent is resolved beneath `dirfd` and the last
// name (with any trailing slashes, which the kernel interprets) is returned
// relative to it. A final "." or ".." is resolved completely instead (it is
// always a directory, and ".." must not be looked up from a parent that may
// be the top of the tree), giving name ".".
ErrnoOr<PathTarget> resolve_nofollow(int dirfd, std::string_view path);

// Resolves `path` completely beneath `dirfd`, following a final symlink
// (confined like every other one), to an O_PATH descriptor: the result has
// an empty name.
ErrnoOr<PathTarget> resolve_follow(int dirfd, std::string_view path);

// resolve_follow when `follow` is set or the path ends with '/', else
// resolve_nofollow: the lookup for operations that follow a final symlink
// on request (stat, set_times, readlink, link source) and for which Linux
// would follow it anyway because of a trailing slash.
ErrnoOr<PathTarget> resolve_lookup(int dirfd, std::string_view path, bool follow);

}  // namespace cloister::wasi
