// SPDX-License-Identifier: Apache-2.0
//
// Shared by the proxy_*.cc files: laying out one sallyport request in the
// block, ringing the doorbell, and failing the keep when a reply breaks a
// check. Internal to the shim's sallyport client.
#pragma once

#include <asm-generic/errno.h>

#include <cstdint>

#include "sallyport/abi.h"
#include "sallyport/checks.h"
#include "shim/host_channel.h"

namespace cloister::shim::proxy {

namespace sp = cloister::sallyport;

// Paths are at most PATH_MAX bytes including the NUL, as in Linux.
inline constexpr uint64_t kPathMax = 4096;

// A guest fd argument: Linux reads an int, so the upper half of the register
// is ignored and negative values (AT_FDCWD, -1) keep their sign.
inline uint64_t fd_arg(uint64_t raw) {
  return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(raw)));
}
// An int (flags, modes, lengths) argument: Linux ignores the upper half.
inline uint64_t int_arg(uint64_t raw) {
  return static_cast<uint32_t>(raw);
}

// Fails the keep if `failure` names a broken rule. Never returns then.
inline void require(const char* call, sp::CheckFailure failure) {
  if (failure != nullptr) protocol_violation(call, failure);
}

// One request being laid out in the block. Hands out 8-aligned regions of the
// data area; the caller remembers their offsets and never reads the header's
// arguments back (the host may have changed them).
class Request {
 public:
  explicit Request(const char* call) : call_(call) {}

  // Bytes still free in the data area.
  uint64_t room() const { return sp::kBlockSize - next_; }

  // Reserves `n` bytes (n <= room()) and returns their block offset.
  uint64_t reserve(uint64_t n) {
    const uint64_t off = next_;
    next_ += (n + 7) & ~uint64_t{7};
    if (next_ > sp::kBlockSize) next_ = sp::kBlockSize;
    return off;
  }

  uint8_t* at(uint64_t off) const { return block_bytes() + off; }

  // Copies a small value into a fresh region and returns its offset.
  uint64_t put(const void* src, uint64_t n) {
    const uint64_t off = reserve(n);
    __builtin_memcpy(at(off), src, n);
    return off;
  }

  // Copies the program's NUL-terminated path at `user_path` into the block.
  // Returns 0 and its offset, or -EFAULT / -ENAMETOOLONG.
  int64_t put_path(uint64_t user_path, uint64_t* out_off);

  // Sends the request and returns the host's ret, already checked to be a
  // result or an errno in range (check_errno).
  int64_t call(uint64_t op, uint64_t a0 = 0, uint64_t a1 = 0, uint64_t a2 = 0, uint64_t a3 = 0,
               uint64_t a4 = 0, uint64_t a5 = 0);

  // Copies `n` reply bytes at `off` out of the shared block into shim memory,
  // so a check and the later use see the same bytes.
  void take(void* dst, uint64_t off, uint64_t n) const { __builtin_memcpy(dst, at(off), n); }

  const char* name() const { return call_; }

 private:
  const char* call_;
  uint64_t next_ = sp::kDataOffset;
};

// Linux's limit on iovecs per call (UIO_MAXIOV).
inline constexpr int64_t kMaxIov = 1024;

// The program's iovec array. A short one (the usual one or two entries) is
// read once and kept here; a longer one is read again in batches when it is
// walked. Each copy from the program costs a page-table walk in the shim,
// which is what a sallyport round trip mostly spends its time on where ring 0
// is emulated (docs/shim.md, PVM).
class IovList {
 public:
  // Reads the array and applies Linux's rules (at most kMaxIov entries, no
  // length negative as ssize_t, a total that fits ssize_t). 0 or -errno.
  int64_t load(uint64_t user_iov, int64_t count);

  uint64_t total() const { return total_; }

  // Whether every buffer lies below the end of the program's half.
  bool in_user_half() const;

  // Gathers up to `limit` bytes of the buffers into `dst`. Returns the
  // number gathered, or -EFAULT if the first byte already faulted.
  int64_t gather(uint8_t* dst, uint64_t limit) const;

  // Scatters `n` bytes from `src` over the buffers. Returns n, the bytes
  // placed before a fault, or -EFAULT if none.
  int64_t scatter(const uint8_t* src, uint64_t n) const;

 private:
  struct Iovec {
    uint64_t base;
    uint64_t len;
  };
  static constexpr int64_t kKept = 8;

  // Calls fn(base, len) for every entry until it returns false. 0 or
  // -EFAULT.
  template <typename Fn>
  int64_t each(Fn fn) const;

  Iovec kept_[kKept];
  uint64_t user_ = 0;
  int64_t count_ = 0;
  uint64_t total_ = 0;
};

// The families (proxy_io.cc, proxy_fd.cc, proxy_path.cc, proxy_socket.cc,
// proxy_time.cc). Each returns the result for the program or -errno.
int64_t read_like(const char* call, uint64_t op, const uint64_t a[6], bool positioned);
int64_t write_like(const char* call, uint64_t op, const uint64_t a[6], bool positioned);
int64_t readv_like(const char* call, const uint64_t a[6], bool positioned);
int64_t writev_like(const char* call, const uint64_t a[6], bool positioned);
int64_t getdents64(const uint64_t a[6]);

int64_t close(const uint64_t a[6]);
int64_t lseek(const uint64_t a[6]);
int64_t ioctl(const uint64_t a[6]);
int64_t fcntl(const uint64_t a[6]);
int64_t dup(const uint64_t a[6]);
int64_t fd_only(const char* call, uint64_t op, const uint64_t a[6]);  // fsync, fdatasync
int64_t ftruncate(const uint64_t a[6]);
int64_t fallocate(const uint64_t a[6]);

int64_t openat(const uint64_t a[6]);
int64_t openat2(const uint64_t a[6]);
int64_t newfstatat(const uint64_t a[6]);
int64_t fstat(const uint64_t a[6]);
int64_t mkdirat(const uint64_t a[6]);
int64_t unlinkat(const uint64_t a[6]);
int64_t renameat(const uint64_t a[6]);
int64_t linkat(const uint64_t a[6]);
int64_t symlinkat(const uint64_t a[6]);
int64_t readlinkat(const uint64_t a[6]);
int64_t utimensat(const uint64_t a[6]);

int64_t accept4(const uint64_t a[6], bool has_flags);
int64_t recvfrom(const uint64_t a[6]);
int64_t sendto(const uint64_t a[6]);
int64_t recvmsg(const uint64_t a[6]);
int64_t sendmsg(const uint64_t a[6]);
int64_t shutdown(const uint64_t a[6]);
int64_t getsockopt(const uint64_t a[6]);
int64_t setsockopt(const uint64_t a[6]);
int64_t sockname(const char* call, uint64_t op, const uint64_t a[6]);

int64_t clock_gettime(const char* call, uint64_t op, const uint64_t a[6]);
int64_t clock_nanosleep(const uint64_t a[6]);
int64_t nanosleep(const uint64_t a[6]);
int64_t ppoll(const uint64_t a[6]);
int64_t poll(const uint64_t a[6]);

}  // namespace cloister::shim::proxy
