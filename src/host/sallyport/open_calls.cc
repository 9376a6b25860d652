// SPDX-License-Identifier: Apache-2.0
//
// openat and openat2, both run as openat2 beneath their directory
// descriptor (confine.h). The new host descriptor is always close-on-exec
// (and never the VMM's controlling terminal); the guest's O_CLOEXEC is only
// recorded for F_GETFD.
#include <fcntl.h>
#include <linux/openat2.h>

#include "host/sallyport/calls.h"
#include "host/sallyport/confine.h"

namespace cloister::host::sallyport {
namespace {

// The kernel's O_LARGEFILE (glibc defines the user-space macro as 0 on
// x86-64, but 64-bit kernels set this bit and keep programs may pass it).
constexpr uint64_t kLargeFile = 0100000;

// The open flags a keep may use. Not: O_TMPFILE, O_DIRECT, O_NOATIME,
// O_ASYNC (nothing in WASI needs them).
constexpr uint64_t kOpenFlags = O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND |
                                O_NONBLOCK | O_DSYNC | O_SYNC | O_DIRECTORY | O_NOFOLLOW |
                                O_CLOEXEC | O_PATH | kLargeFile;

// The flags Linux keeps with O_PATH; openat ignores the others, openat2
// rejects them.
constexpr uint64_t kPathFlags = O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;

// The resolve flags a keep may ask for in openat2 (BENEATH and
// NO_MAGICLINKS are added anyway; IN_ROOT cannot be combined with BENEATH).
constexpr uint64_t kResolveFlags = RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS |
                                   RESOLVE_BENEATH | RESOLVE_CACHED;

// New files get at most rwxrwxrwx (then the VMM's umask): no set-id or
// sticky bits from the keep.
constexpr uint64_t kModeMask = 0777;

int64_t open_and_add(Call& c, int dirfd, const BlockString& path, uint64_t flags, uint64_t mode,
                     uint64_t resolve) {
  // Beneath a read-only grant: reading and O_PATH only, nothing created or
  // truncated; the new descriptor is read-only too.
  const bool read_only = c.fds.read_only(c.arg[0]);
  if (read_only) {
    const bool writes = (flags & O_PATH) == 0 && (flags & O_ACCMODE) != O_RDONLY;
    if (writes || (flags & (O_CREAT | O_TRUNC)) != 0) return -EROFS;
  }
  // As Linux, a full table fails before anything is created.
  if (!c.fds.has_free()) return -EMFILE;
  const uint64_t host_flags = (flags & ~uint64_t{O_CLOEXEC}) | ((flags & O_PATH) ? 0 : O_NOCTTY);
  UniqueFd fd;
  const int64_t r = open_beneath(dirfd, path.text, host_flags, mode, resolve, &fd);
  if (r < 0) return r;
  return c.fds.add(std::move(fd), (flags & O_CLOEXEC) != 0, read_only);
}

}  // namespace

int64_t sys_openat(Call& c) {
  const int dirfd = c.fds.host(c.arg[0]);
  if (dirfd < 0) return -EBADF;
  BlockString path;
  if (const int e = c.block.read_string(c.arg[1], &path)) return -e;
  uint64_t flags = c.arg[2];
  if ((flags & ~kOpenFlags) != 0) return -EINVAL;
  if ((flags & O_PATH) != 0) flags &= kPathFlags;
  const uint64_t mode = (flags & O_CREAT) != 0 ? (c.arg[3] & kModeMask) : 0;
  return open_and_add(c, dirfd, path, flags, mode, 0);
}

int64_t sys_openat2(Call& c) {
  const int dirfd = c.fds.host(c.arg[0]);
  if (dirfd < 0) return -EBADF;
  BlockString path;
  if (const int e = c.block.read_string(c.arg[1], &path)) return -e;
  struct open_how how {};
  if (c.arg[3] != sizeof(how)) return -EINVAL;
  if (!c.block.copy_in(c.arg[2], &how, sizeof(how))) return -EFAULT;
  if ((how.flags & ~kOpenFlags) != 0 || (how.resolve & ~kResolveFlags) != 0) return -EINVAL;
  // As the kernel: a mode only with O_CREAT, and only permission bits.
  if ((how.mode & ~uint64_t{07777}) != 0) return -EINVAL;
  if (how.mode != 0 && (how.flags & O_CREAT) == 0) return -EINVAL;
  return open_and_add(c, dirfd, path, how.flags, how.mode & kModeMask, how.resolve);
}

}  // namespace cloister::host::sallyport
