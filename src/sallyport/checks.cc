// SPDX-License-Identifier: Apache-2.0
//
// The Iago checks (checks.h). Freestanding: no libc, only arithmetic over the
// bytes the shim has already copied out of the shared block.
#include "sallyport/checks.h"

namespace cloister::sallyport {
namespace {

// File type bits of st_mode (S_IFMT) and the seven types Linux has.
constexpr uint32_t kModeTypeMask = 0170000;
constexpr uint32_t kModeTypes[] = {0140000, 0120000, 0100000, 0060000, 0040000, 0020000, 0010000};

// open(2) flags F_GETFL may report: O_ACCMODE plus every flag bit from
// O_CREAT (0100) to __O_TMPFILE (020000000). Bits 2..5 and above 22 are not
// flags on x86-64.
constexpr int64_t kKnownFileFlags = 03 | 037777700;

constexpr int64_t kFdCloexec = 1;

// Every d_type Linux defines: UNKNOWN, FIFO, CHR, DIR, BLK, REG, LNK, SOCK, WHT.
constexpr bool valid_dirent_type(uint8_t t) {
  return t == 0 || t == 1 || t == 2 || t == 4 || t == 6 || t == 8 || t == 10 || t == 12 || t == 14;
}

// The poll(2) bits Linux knows: IN PRI OUT ERR HUP NVAL RDNORM RDBAND WRNORM
// WRBAND MSG RDHUP.
constexpr uint16_t kKnownPollBits = 0x3ff | 0x400 | 0x2000;
constexpr uint16_t kPollErr = 0x8, kPollHup = 0x10, kPollNval = 0x20;

uint16_t load_u16(const uint8_t* p) {
  return static_cast<uint16_t>(p[0] | (p[1] << 8));
}

}  // namespace

CheckFailure check_errno(int64_t ret) {
  if (ret >= 0) return nullptr;
  if (ret < -kMaxErrno) return "errno out of range";
  return nullptr;
}

CheckFailure check_zero(int64_t ret) {
  if (ret > 0) return "success must return 0";
  return check_errno(ret);
}

CheckFailure check_length(int64_t ret, uint64_t asked) {
  if (ret >= 0 && static_cast<uint64_t>(ret) > asked) return "length larger than asked";
  return check_errno(ret);
}

CheckFailure check_new_fd(int64_t ret, const FdSet& open, uint64_t lowest) {
  if (ret < 0) return check_errno(ret);
  const uint64_t fd = static_cast<uint64_t>(ret);
  if (fd >= kMaxFds) return "new fd out of range";
  if (fd < lowest) return "new fd below the lowest allowed";
  if (open.contains(fd)) return "new fd already open";
  return nullptr;
}

CheckFailure check_file_flags(int64_t ret) {
  if (ret < 0) return check_errno(ret);
  if ((ret & ~kKnownFileFlags) != 0) return "unknown file status flags";
  return nullptr;
}

CheckFailure check_fd_flags(int64_t ret) {
  if (ret < 0) return check_errno(ret);
  if (ret != 0 && ret != kFdCloexec) return "unknown descriptor flags";
  return nullptr;
}

CheckFailure check_stat(const LinuxStat& st) {
  bool type_ok = false;
  for (uint32_t type : kModeTypes) type_ok |= (st.mode & kModeTypeMask) == type;
  if (!type_ok) return "invalid file type";
  if (st.mode & ~0177777u) return "unknown mode bits";
  if (st.size < 0) return "negative size";
  if (st.blocks < 0) return "negative block count";
  if (st.blksize < 0) return "negative block size";
  const int64_t nsecs[] = {st.atime_nsec, st.mtime_nsec, st.ctime_nsec};
  for (int64_t nsec : nsecs) {
    if (nsec < 0 || nsec >= kNsecPerSec) return "timestamp nanoseconds out of range";
  }
  return nullptr;
}

CheckFailure check_timespec(const LinuxTimespec& ts) {
  if (ts.sec < 0) return "negative seconds";
  if (ts.nsec < 0 || ts.nsec >= kNsecPerSec) return "nanoseconds out of range";
  return nullptr;
}

CheckFailure check_remaining(const LinuxTimespec& rem, const LinuxTimespec& req) {
  if (CheckFailure f = check_timespec(rem)) return f;
  if (rem.sec > req.sec || (rem.sec == req.sec && rem.nsec > req.nsec)) {
    return "remaining time longer than asked";
  }
  return nullptr;
}

CheckFailure check_dirents(const uint8_t* buf, uint64_t len) {
  uint64_t pos = 0;
  while (pos < len) {
    if (len - pos < kDirentNameOffset) return "record header past the end";
    const uint64_t reclen = load_u16(buf + pos + kDirentReclenOffset);
    // Header, one name byte and its NUL, rounded up to 8: at least 24.
    if (reclen < kDirentNameOffset + 2) return "record too short";
    if (reclen % 8 != 0) return "record length not 8-aligned";
    if (reclen > len - pos) return "record past the end";
    if (!valid_dirent_type(buf[pos + kDirentTypeOffset])) return "invalid d_type";
    const uint8_t* name = buf + pos + kDirentNameOffset;
    const uint64_t name_room = reclen - kDirentNameOffset;
    if (name[0] == 0) return "empty name";
    uint64_t i = 0;
    while (i < name_room && name[i] != 0) {
      if (name[i] == '/') return "name contains '/'";
      ++i;
    }
    if (i == name_room) return "name not NUL-terminated";
    pos += reclen;
  }
  return nullptr;
}

CheckFailure check_sockaddr(const uint8_t* addr, uint64_t len, uint64_t given) {
  if (len > given) return "address length larger than given";
  if (len > kSockaddrStorageSize) return "address length larger than sockaddr_storage";
  if (len == 0) return nullptr;  // no address (e.g. an unnamed peer)
  if (len < 2) return "address shorter than its family field";
  switch (load_u16(addr)) {
    case kAfUnix:
      if (len > kSockaddrUnSize) return "AF_UNIX address too long";
      return nullptr;
    case kAfInet:
      if (len < kSockaddrInSize) return "AF_INET address too short";
      return nullptr;
    case kAfInet6:
      if (len < kSockaddrIn6Size) return "AF_INET6 address too short";
      return nullptr;
    default:
      return "unknown address family";
  }
}

CheckFailure check_poll(int64_t ret, const LinuxPollFd* sent, const LinuxPollFd* got,
                        uint64_t nfds) {
  if (ret < 0) return check_errno(ret);
  if (static_cast<uint64_t>(ret) > nfds) return "more ready entries than asked";
  uint64_t ready = 0;
  for (uint64_t i = 0; i < nfds; ++i) {
    if (got[i].fd != sent[i].fd) return "fd changed";
    if (got[i].events != sent[i].events) return "events changed";
    const uint16_t revents = static_cast<uint16_t>(got[i].revents);
    if (revents & ~kKnownPollBits) return "unknown revents bits";
    if (sent[i].fd < 0 && revents != 0) return "revents for a negative fd";
    const uint16_t allowed =
        static_cast<uint16_t>(sent[i].events) | kPollErr | kPollHup | kPollNval;
    if (revents & ~allowed) return "revents not asked for";
    if (revents != 0) ++ready;
  }
  if (ready != static_cast<uint64_t>(ret)) return "ready count disagrees with revents";
  return nullptr;
}

CheckFailure check_optlen(uint64_t len, uint64_t given) {
  if (len > given) return "option length larger than given";
  return nullptr;
}

CheckFailure check_nread(int32_t value) {
  if (value < 0) return "negative byte count";
  return nullptr;
}

}  // namespace cloister::sallyport
