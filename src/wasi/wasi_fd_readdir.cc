// SPDX-License-Identifier: Apache-2.0
//
// fd_readdir: directory entries as a stream of WASI dirents.
//
// Cookies are the kernel's own directory positions: each entry's d_next is
// the d_off getdents64 reports for it, and a call with cookie C does
// lseek(dir, C, SEEK_SET) and reads on from there (cookie 0 is the start, as
// in the spec). This is telldir/seekdir's contract, which every Linux
// filesystem keeps (ext4's hash positions, tmpfs/xfs/btrfs indexes), so:
// - resuming costs one lseek instead of re-reading the directory up to an
//   index, keeping a full listing O(n) rather than O(n^2);
// - entries added or removed between calls do not shift the positions of
//   the others, so none is skipped or repeated because of them;
// - every call positions the descriptor itself, so the module may interleave
//   listings or restart at any cookie it was given.
// "." and ".." are reported as the kernel lists them (the test suite expects
// both). The buffer is filled completely: the last entry is cut short when
// it does not fit, and bufused == buf_len tells the caller to continue from
// the last complete entry's d_next, as the spec describes.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>
#include <vector>

#include "base/byte_reader.h"
#include "base/unique_fd.h"
#include "wasi/call.h"
#include "wasi/host_conv.h"

namespace cloister::wasi {
namespace {

// Bytes asked of getdents64 per call.
constexpr size_t kHostBufferSize = 16 * 1024;

// One entry of a getdents64 buffer (struct linux_dirent64: u64 d_ino,
// s64 d_off, u16 d_reclen, u8 d_type, NUL-terminated name, padding).
struct HostDirent {
  uint64_t ino = 0;
  uint64_t off = 0;
  uint8_t type = DT_UNKNOWN;
  std::string_view name;
};
constexpr size_t kHostDirentHeader = 8 + 8 + 2 + 1;

// Parses the next record; false when the kernel's buffer is malformed.
bool next_host_dirent(ByteReader& r, HostDirent* out) {
  ByteReader rec;
  uint16_t reclen = 0;
  ByteReader head = r;
  if (!head.skip(16) || !head.read_u16le(&reclen) || reclen < kHostDirentHeader ||
      !r.read_sub(reclen, &rec)) {
    return false;
  }
  uint16_t ignored = 0;
  if (!rec.read_u64le(&out->ino) || !rec.read_u64le(&out->off) || !rec.read_u16le(&ignored) ||
      !rec.read_u8(&out->type)) {
    return false;
  }
  const std::span<const uint8_t> tail = rec.rest();
  const auto* chars = reinterpret_cast<const char*>(tail.data());
  const size_t len = strnlen(chars, tail.size());
  if (len == tail.size()) return false;  // no terminating NUL inside the record
  out->name = std::string_view(chars, len);
  return true;
}

Filetype filetype_from_dtype(int dir_fd, const HostDirent& d) {
  switch (d.type) {
    case DT_DIR:
      return Filetype::Directory;
    case DT_REG:
      return Filetype::RegularFile;
    case DT_LNK:
      return Filetype::SymbolicLink;
    case DT_CHR:
      return Filetype::CharacterDevice;
    case DT_BLK:
      return Filetype::BlockDevice;
    case DT_SOCK:
      return Filetype::SocketStream;
    case DT_UNKNOWN: {
      // Some filesystems do not fill d_type; ask for the entry itself (not
      // what a symlink points to). An entry removed meanwhile stays Unknown.
      struct stat st {};
      const std::string name(d.name);
      if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return Filetype::Unknown;
      return filetype_from_mode(st.st_mode);
    }
    default:
      return Filetype::Unknown;  // FIFOs and anything newer
  }
}

// Positions a readable descriptor for `dir` at `cookie`. The entry's own
// descriptor is used when it can be read; one opened with O_PATH cannot, and
// is reopened (read-only, same directory) for this call.
ErrnoOr<int> position_at(int dir, uint64_t cookie, UniqueFd& reopened) {
  if (cookie > static_cast<uint64_t>(INT64_MAX)) return Errno::Inval;
  int fd = dir;
  if (::lseek(fd, static_cast<off_t>(cookie), SEEK_SET) < 0) {
    if (errno != EBADF) return last_errno();
    reopened.reset(::openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!reopened.valid()) return last_errno();
    fd = reopened.get();
    if (::lseek(fd, static_cast<off_t>(cookie), SEEK_SET) < 0) return last_errno();
  }
  return fd;
}

// Appends as much of `bytes` as fits into out[used, out.size()).
void put_truncated(std::span<uint8_t> out, size_t& used, const void* bytes, size_t len) {
  const size_t n = std::min(len, out.size() - used);
  if (n != 0) std::memcpy(out.data() + used, bytes, n);
  used += n;
}

// fd_readdir(fd, buf, buf_len, cookie, bufused_ptr).
wasm::Outcome<Errno> fd_readdir(WasiCall& c) {
  const uint32_t fd = c.u32(0), buf = c.u32(1), buf_len = c.u32(2), out = c.u32(4);
  const uint64_t cookie = c.u64(3);
  WASI_TRY_ASSIGN(FdEntry * e, c.ctx.fds().get(fd, rights::kFdReaddir));
  WASI_TRY_ASSIGN(std::span<uint8_t> dst, c.mem.bytes(buf, buf_len));
  if (!c.mem.in_bounds(out, 4)) return Errno::Fault;
  if (e->type != Filetype::Directory) return Errno::NotDir;

  UniqueFd reopened;
  WASI_TRY_ASSIGN(int dir, position_at(e->host.get(), cookie, reopened));
  uint64_t self_ino = 0;
  if (e->is_preopen) {
    struct stat st {};
    if (::fstat(dir, &st) != 0) return last_errno();
    self_ino = st.st_ino;
  }
  std::vector<uint8_t> host(kHostBufferSize);
  size_t used = 0;
  while (used < dst.size()) {
    ssize_t n;
    do {
      n = ::getdents64(dir, host.data(), host.size());
    } while (n < 0 && errno == EINTR);
    if (n < 0) return last_errno();
    if (n == 0) break;  // end of directory
    ByteReader r(std::span<const uint8_t>(host.data(), static_cast<size_t>(n)));
    while (!r.empty() && used < dst.size()) {
      HostDirent d;
      if (!next_host_dirent(r, &d)) return Errno::Io;
      StructWriter<layout::kDirentSize> w;
      w.put<uint64_t>(layout::kDirentNext, d.off);
      // A preopen's ".." is outside the sandbox: report the directory's own
      // inode, not the host parent's.
      const bool hide_parent = e->is_preopen && d.name == "..";
      w.put<uint64_t>(layout::kDirentIno, hide_parent ? self_ino : d.ino);
      w.put<uint32_t>(layout::kDirentNamlen, static_cast<uint32_t>(d.name.size()));
      w.put<uint8_t>(layout::kDirentType, static_cast<uint8_t>(filetype_from_dtype(dir, d)));
      put_truncated(dst, used, w.bytes, sizeof(w.bytes));
      put_truncated(dst, used, d.name.data(), d.name.size());
    }
  }
  return c.mem.store<uint32_t>(out, static_cast<uint32_t>(used));
}

}  // namespace

void register_fd_readdir(WasiRegistry& r) {
  r.add("fd_readdir", "iiiIi", &fd_readdir);
}

}  // namespace cloister::wasi
