// SPDX-License-Identifier: Apache-2.0
//
// The shim's Iago checks: what a sallyport reply must look like before the
// keep program may see it (docs/sallyport.md, "shim checks on the reply").
// The host is not trusted, so every length, errno, fd and struct it returns is
// checked here; the shim ends the keep on any failure.
//
// These are pure functions over plain bytes and the Linux x86-64 layouts
// spelled out below (not the libc or UAPI structs, whose names clash between
// the two worlds this file lives in): the shim compiles them freestanding and
// the tests link them as an ordinary host library. Each returns nullptr when
// the reply is acceptable, else a short text naming the broken rule (the
// "<check>" of "sallyport: protocol violation: <call>: <check>").
#pragma once

#include <cstddef>
#include <cstdint>

#include "sallyport/abi.h"

namespace cloister::sallyport {

// nullptr = the reply passes; otherwise the name of the rule it broke.
using CheckFailure = const char*;

// ---- Linux x86-64 layouts the checks read ----

// struct stat as newfstatat writes it (asm/stat.h, x86-64).
struct LinuxStat {
  uint64_t dev;
  uint64_t ino;
  uint64_t nlink;
  uint32_t mode;
  uint32_t uid;
  uint32_t gid;
  uint32_t pad0;
  uint64_t rdev;
  int64_t size;
  int64_t blksize;
  int64_t blocks;
  int64_t atime_sec;
  int64_t atime_nsec;
  int64_t mtime_sec;
  int64_t mtime_nsec;
  int64_t ctime_sec;
  int64_t ctime_nsec;
  int64_t unused[3];
};
static_assert(sizeof(LinuxStat) == 144);

struct LinuxTimespec {  // struct __kernel_timespec
  int64_t sec;
  int64_t nsec;
};
static_assert(sizeof(LinuxTimespec) == 16);

struct LinuxPollFd {  // struct pollfd
  int32_t fd;
  int16_t events;
  int16_t revents;
};
static_assert(sizeof(LinuxPollFd) == 8);

// struct linux_dirent64: d_ino, d_off, d_reclen, d_type, then the name.
inline constexpr uint64_t kDirentNameOffset = 19;
inline constexpr uint64_t kDirentReclenOffset = 16;
inline constexpr uint64_t kDirentTypeOffset = 18;

// sizeof(struct sockaddr_storage), and the smallest honest length of each
// address family a keep's sockets can have.
inline constexpr uint32_t kSockaddrStorageSize = 128;
inline constexpr uint16_t kAfUnix = 1;
inline constexpr uint16_t kAfInet = 2;
inline constexpr uint16_t kAfInet6 = 10;
inline constexpr uint32_t kSockaddrInSize = 16;
inline constexpr uint32_t kSockaddrIn6Size = 28;
inline constexpr uint32_t kSockaddrUnSize = 110;

inline constexpr int64_t kNsecPerSec = 1'000'000'000;

// ---- The shim's record of open guest descriptors ----

// A set of guest fds 0 .. kMaxFds-1. Plain data (no constructor), so the
// shim can keep one in .bss.
struct FdSet {
  uint64_t bits[kMaxFds / 64];

  bool contains(uint64_t fd) const { return fd < kMaxFds && (bits[fd / 64] >> (fd % 64)) & 1; }
  void add(uint64_t fd) {
    if (fd < kMaxFds) bits[fd / 64] |= uint64_t{1} << (fd % 64);
  }
  void remove(uint64_t fd) {
    if (fd < kMaxFds) bits[fd / 64] &= ~(uint64_t{1} << (fd % 64));
  }
};

// ---- Checks on `ret` ----

// ret >= 0, or -errno with 1 <= errno <= kMaxErrno.
CheckFailure check_errno(int64_t ret);
// ret == 0 or -errno (close, fsync, mkdirat, ...).
CheckFailure check_zero(int64_t ret);
// 0 <= ret <= asked, or -errno (read, write, readlinkat, ...).
CheckFailure check_length(int64_t ret, uint64_t asked);
// A new descriptor (openat, accept4, fcntl F_DUPFD*): -errno, or at least
// `lowest`, below kMaxFds and not already open.
CheckFailure check_new_fd(int64_t ret, const FdSet& open, uint64_t lowest = 0);
// fcntl F_GETFL: -errno, or only open(2) flag bits Linux defines.
CheckFailure check_file_flags(int64_t ret);
// fcntl F_GETFD: -errno, 0 or FD_CLOEXEC.
CheckFailure check_fd_flags(int64_t ret);

// ---- Checks on returned data (only call these when ret says it is there) ----

// newfstatat: a real file type, nanoseconds below 10^9, size and blocks >= 0.
CheckFailure check_stat(const LinuxStat& st);
// 0 <= nsec < 10^9 and sec >= 0.
CheckFailure check_timespec(const LinuxTimespec& ts);
// clock_nanosleep's remaining time: a valid timespec no longer than `req`.
CheckFailure check_remaining(const LinuxTimespec& rem, const LinuxTimespec& req);
// getdents64: the `len` bytes the host returned are whole records, each with
// an 8-aligned length inside `len`, a non-empty NUL-terminated name without
// '/', and a d_type Linux defines.
CheckFailure check_dirents(const uint8_t* buf, uint64_t len);
// getsockname/getpeername/accept4: the host says the address is `len` bytes
// (`addr` holds min(len, given) of them); len must fit what was given and a
// sockaddr_storage, and its family must agree with it.
CheckFailure check_sockaddr(const uint8_t* addr, uint64_t len, uint64_t given);
// ppoll: `sent` is what the shim asked, `got` the host's answer (nfds
// entries each): fds and events unchanged, revents only bits Linux may set
// for those events, and ret = the number of entries with revents != 0.
CheckFailure check_poll(int64_t ret, const LinuxPollFd* sent, const LinuxPollFd* got,
                        uint64_t nfds);
// getsockopt: the returned option length fits what was given.
CheckFailure check_optlen(uint64_t len, uint64_t given);
// ioctl FIONREAD: the byte count is >= 0.
CheckFailure check_nread(int32_t value);

}  // namespace cloister::sallyport
