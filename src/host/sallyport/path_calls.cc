// SPDX-License-Identifier: Apache-2.0
//
// The *at calls other than open. Each name is one component (confine.h), so
// the kernel looks it up in the granted directory (or one opened beneath
// it) without walking anywhere; where Linux would follow a final symlink,
// the host follows it itself with openat2's confinement and acts on the
// O_PATH descriptor it gets.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "host/sallyport/calls.h"
#include "host/sallyport/confine.h"

namespace cloister::host::sallyport {
namespace {

static_assert(sizeof(struct stat) == 144, "the sallyport's stat is Linux x86-64's");
static_assert(sizeof(struct timespec) == 16);

// Reads argument i as a one-component name. `allow_empty` lets "" through
// (the call then acts on the descriptor itself).
int64_t read_name(const Call& c, int i, bool allow_empty, BlockString* name, bool* trailing) {
  if (const int e = c.block.read_string(c.arg[i], name)) return -e;
  *trailing = false;
  if (name->len == 0 && allow_empty) return 0;
  if (const int e = check_component(*name, trailing)) return -e;
  return 0;
}

}  // namespace

int64_t sys_mkdirat(Call& c) {
  const int dirfd = c.fds.host(c.arg[0]);
  if (dirfd < 0) return -EBADF;
  BlockString name;
  bool trailing;
  if (const int64_t e = read_name(c, 1, false, &name, &trailing)) return e;
  if (c.fds.read_only(c.arg[0])) return -EROFS;
  // rwxrwxrwx at most (then the VMM's umask): no set-id or sticky bits.
  return reply_of(::mkdirat(dirfd, name.text, static_cast<mode_t>(c.arg[2] & 0777)));
}

int64_t sys_newfstatat(Call& c) {
  const int dirfd = c.fds.host(c.arg[0]);
  if (dirfd < 0) return -EBADF;
  const uint64_t flags = c.arg[3];
  if ((flags & ~uint64_t{AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT}) != 0) {
    return -EINVAL;
  }
  if (!Block::in_data(c.arg[2], sizeof(struct stat))) return -EFAULT;
  BlockString name;
  bool trailing;
  if (const int64_t e = read_name(c, 1, (flags & AT_EMPTY_PATH) != 0, &name, &trailing)) return e;
  struct stat st {};
  if (name.len == 0) {
    // fstat of the descriptor itself (any kind: file, pipe, socket, O_PATH).
    if (::fstat(dirfd, &st) != 0) return neg_errno();
  } else {
    // The name itself first: for anything but a symlink that is the answer,
    // and it never leaves the directory.
    const bool follow = (flags & AT_SYMLINK_NOFOLLOW) == 0 || trailing;
    if (!trailing && ::fstatat(dirfd, name.text, &st, AT_SYMLINK_NOFOLLOW) != 0) {
      return neg_errno();
    }
    if (trailing || (follow && S_ISLNK(st.st_mode))) {
      UniqueFd target;
      if (const int64_t e = resolve_follow(dirfd, name.text, &target)) return e;
      if (::fstat(target.get(), &st) != 0) return neg_errno();
    }
  }
  c.block.copy_out(c.arg[2], &st, sizeof(st));
  return 0;
}

int64_t sys_unlinkat(Call& c) {
  const int dirfd = c.fds.host(c.arg[0]);
  if (dirfd < 0) return -EBADF;
  if (c.arg[2] != 0 && c.arg[2] != AT_REMOVEDIR) return -EINVAL;
  BlockString name;
  bool trailing;
  if (const int64_t e = read_name(c, 1, false, &name, &trailing)) return e;
  if (c.fds.read_only(c.arg[0])) return -EROFS;
  return reply_of(::unlinkat(dirfd, name.text, static_cast<int>(c.arg[2])));
}

int64_t sys_renameat(Call& c) {
  const int olddir = c.fds.host(c.arg[0]);
  const int newdir = c.fds.host(c.arg[2]);
  if (olddir < 0 || newdir < 0) return -EBADF;
  BlockString from, to;
  bool trailing;
  if (const int64_t e = read_name(c, 1, false, &from, &trailing)) return e;
  if (const int64_t e = read_name(c, 3, false, &to, &trailing)) return e;
  if (c.fds.read_only(c.arg[0]) || c.fds.read_only(c.arg[2])) return -EROFS;
  // rename never follows a final symlink, not even with a trailing slash.
  return reply_of(::renameat(olddir, from.text, newdir, to.text));
}

int64_t sys_linkat(Call& c) {
  const int olddir = c.fds.host(c.arg[0]);
  const int newdir = c.fds.host(c.arg[2]);
  if (olddir < 0 || newdir < 0) return -EBADF;
  // No AT_SYMLINK_FOLLOW, no AT_EMPTY_PATH: a link is made to the name
  // itself, never to what a symlink points at.
  if (c.arg[4] != 0) return -EINVAL;
  BlockString from, to;
  bool from_trailing, to_trailing;
  if (const int64_t e = read_name(c, 1, false, &from, &from_trailing)) return e;
  if (const int64_t e = read_name(c, 3, false, &to, &to_trailing)) return e;
  if (from_trailing) {
    // A trailing slash makes Linux follow the old name and demand a
    // directory, which cannot be hard-linked: the answer is an error either
    // way, found here with confinement so it says nothing about the world
    // outside the directory.
    UniqueFd target;
    if (const int64_t e = resolve_follow(olddir, from.text, &target)) return e;
    return -EPERM;
  }
  // Not from a read-only tree either: the new name would make the file
  // writable through a read-write one.
  if (c.fds.read_only(c.arg[0]) || c.fds.read_only(c.arg[2])) return -EROFS;
  return reply_of(::linkat(olddir, from.text, newdir, to.text, 0));
}

int64_t sys_symlinkat(Call& c) {
  // The target is only text stored in the link: every later lookup through
  // it is confined, so it may say anything.
  BlockString target;
  if (const int e = c.block.read_string(c.arg[0], &target)) return -e;
  const int dirfd = c.fds.host(c.arg[1]);
  if (dirfd < 0) return -EBADF;
  BlockString name;
  bool trailing;
  if (const int64_t e = read_name(c, 2, false, &name, &trailing)) return e;
  if (c.fds.read_only(c.arg[1])) return -EROFS;
  return reply_of(::symlinkat(target.text, dirfd, name.text));
}

int64_t sys_readlinkat(Call& c) {
  const int dirfd = c.fds.host(c.arg[0]);
  if (dirfd < 0) return -EBADF;
  // Linux: a size of 0 (or one that is negative as an int) is EINVAL.
  if (c.arg[3] == 0 || c.arg[3] > INT32_MAX) return -EINVAL;
  char* buf = reinterpret_cast<char*>(c.block.span(c.arg[2], c.arg[3]));
  if (buf == nullptr) return -EFAULT;
  // "" reads the link the descriptor itself is (an O_PATH|O_NOFOLLOW one).
  BlockString name;
  bool trailing;
  if (const int64_t e = read_name(c, 1, true, &name, &trailing)) return e;
  if (trailing) {
    // Linux follows "link/" and finds a directory, not a link; the host
    // follows with confinement.
    UniqueFd target;
    if (const int64_t e = resolve_follow(dirfd, name.text, &target)) return e;
    return reply_of(::readlinkat(target.get(), "", buf, c.arg[3]));
  }
  return reply_of(::readlinkat(dirfd, name.text, buf, c.arg[3]));
}

int64_t sys_utimensat(Call& c) {
  const int dirfd = c.fds.host(c.arg[0]);
  if (dirfd < 0) return -EBADF;
  const uint64_t flags = c.arg[3];
  if ((flags & ~uint64_t{AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH}) != 0) return -EINVAL;
  if (c.fds.read_only(c.arg[0])) return -EROFS;
  struct timespec times[2];
  const struct timespec* times_arg = nullptr;  // kNull: both set to now
  if (c.arg[2] != kNull) {
    if (!c.block.copy_in(c.arg[2], times, sizeof(times))) return -EFAULT;
    times_arg = times;  // the kernel checks tv_nsec / UTIME_NOW / UTIME_OMIT
  }
  if (c.arg[1] == kNull) {
    // futimens on the descriptor itself (Linux: flags must then be 0).
    return reply_of(::syscall(SYS_utimensat, dirfd, nullptr, times_arg, static_cast<int>(flags)));
  }
  BlockString name;
  bool trailing;
  if (const int64_t e = read_name(c, 1, (flags & AT_EMPTY_PATH) != 0, &name, &trailing)) return e;
  if (name.len == 0) return reply_of(::utimensat(dirfd, "", times_arg, AT_EMPTY_PATH));
  if ((flags & AT_SYMLINK_NOFOLLOW) != 0 && !trailing) {
    return reply_of(::utimensat(dirfd, name.text, times_arg, AT_SYMLINK_NOFOLLOW));
  }
  // Following a final symlink: resolve it confined, act on what it reaches.
  UniqueFd target;
  if (const int64_t e = resolve_follow(dirfd, name.text, &target)) return e;
  return reply_of(::utimensat(target.get(), "", times_arg, AT_EMPTY_PATH));
}

}  // namespace cloister::host::sallyport
