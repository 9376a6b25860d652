// SPDX-License-Identifier: Apache-2.0
//
// path_open: opening (and creating) files and directories beneath a
// directory descriptor. The new descriptor's rights are what the module asks
// for, limited to what the directory passes on (its inheriting rights) and to
// what applies to the type of file opened; the host access mode follows from
// those granted rights, so a descriptor without fd_write is never writable
// on the host.
#include <fcntl.h>
#include <sys/stat.h>

#include <utility>

#include "wasi/confine.h"
#include "wasi/host_conv.h"
#include "wasi/wasi_path_common.h"

namespace cloister::wasi {
namespace {

constexpr uint16_t kKnownOflags = kOflagCreat | kOflagDirectory | kOflagExcl | kOflagTrunc;
constexpr uint16_t kKnownFdflags =
    kFdflagAppend | kFdflagDsync | kFdflagNonblock | kFdflagRsync | kFdflagSync;

int host_open_flags(uint32_t dirflags, uint32_t oflags, uint32_t fdflags, uint64_t granted) {
  const bool read = (granted & (rights::kFdRead | rights::kFdReaddir)) != 0;
  const bool write = (granted & rights::kWriteAccess) != 0;
  int flags = write ? (read ? O_RDWR : O_WRONLY) : O_RDONLY;
  if ((dirflags & kLookupSymlinkFollow) == 0) flags |= O_NOFOLLOW;
  if (oflags & kOflagCreat) flags |= O_CREAT;
  if (oflags & kOflagDirectory) flags |= O_DIRECTORY;
  if (oflags & kOflagExcl) flags |= O_EXCL;
  if (oflags & kOflagTrunc) flags |= O_TRUNC;
  if (fdflags & kFdflagAppend) flags |= O_APPEND;
  if (fdflags & kFdflagDsync) flags |= O_DSYNC;
  if (fdflags & kFdflagNonblock) flags |= O_NONBLOCK;
  if (fdflags & kFdflagRsync) flags |= O_RSYNC;
  if (fdflags & kFdflagSync) flags |= O_SYNC;
  return flags;
}

}  // namespace

// path_open(fd, dirflags, path, path_len, oflags, fs_rights_base,
// fs_rights_inheriting, fdflags, fd*).
wasm::Outcome<Errno> path_open(WasiCall& c) {
  const uint32_t dirflags = c.u32(1);
  const uint32_t oflags = c.u32(4);
  const uint64_t want_base = c.u64(5);
  const uint64_t want_inheriting = c.u64(6);
  const uint32_t fdflags = c.u32(7);
  const uint32_t fd_out = c.u32(8);
  if ((dirflags & ~kLookupSymlinkFollow) != 0 || (oflags & ~kKnownOflags) != 0 ||
      (fdflags & ~kKnownFdflags) != 0) {
    return Errno::Inval;
  }
  // Creating needs path_create_file and truncating path_filestat_set_size on
  // the directory; both change something, so neither is possible below a
  // read-only preopen.
  uint64_t required = rights::kPathOpen;
  if (oflags & kOflagCreat) required |= rights::kPathCreateFile;
  if (oflags & kOflagTrunc) required |= rights::kPathFilestatSetSize;
  const bool changes = (oflags & (kOflagCreat | kOflagTrunc)) != 0;
  WASI_TRY_ASSIGN(FdEntry * dir, path_dir(c, c.u32(0), required, changes));
  WASI_TRY_ASSIGN(std::string path, guest_string(c, c.u32(2), c.u32(3)));
  WASI_CHECK(check_guest_path(path));
  if (!c.mem.in_bounds(fd_out, sizeof(uint32_t))) return Errno::Fault;

  // Below a read-only preopen, asking for write access is refused outright
  // (rather than silently opening read-only), and no right that would change
  // something is granted. Directories keep passing kWriteAccess on in their
  // inheriting rights so that libc keeps asking for it, and meeting this
  // refusal, when it opens for writing (see context.cc).
  if (dir->read_only && (want_base & rights::kWriteAccess) != 0) {
    return Errno::NotCapable;
  }
  uint64_t base = want_base & dir->rights_inheriting;
  uint64_t inheriting = want_inheriting & dir->rights_inheriting;
  if (dir->read_only) {
    base &= ~rights::kWriting;
    inheriting &= ~(rights::kWriting & ~rights::kWriteAccess);
  }

  const int flags = host_open_flags(dirflags, oflags, fdflags, base);
  WASI_TRY_ASSIGN(UniqueFd host, open_beneath(dir->host.get(), path, flags, 0666));
  struct stat st {};
  if (::fstat(host.get(), &st) != 0) return last_errno();

  FdEntry entry;
  entry.type = filetype_from_mode(st.st_mode);
  // Rights that cannot apply to the type opened are dropped (the spec allows
  // exactly that reduction).
  entry.rights_base =
      base & (entry.type == Filetype::Directory ? rights::kDirectory : rights::kRegularFile);
  entry.rights_inheriting = inheriting;
  entry.read_only = dir->read_only;
  entry.host = std::move(host);
  WASI_TRY_ASSIGN(uint32_t fd, c.ctx.fds().insert(std::move(entry)));
  return c.mem.store<uint32_t>(fd_out, fd);
}

}  // namespace cloister::wasi
