// SPDX-License-Identifier: Apache-2.0
//
// Calls on a descriptor's data and state. read/write and friends are the hot
// path (the 1 GiB pipe figure): the kernel reads into or writes from the
// block directly, after one range check, without copies or allocations.
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "host/sallyport/calls.h"

namespace cloister::host::sallyport {
namespace {

// The host descriptor for guest fd argument i, or -1 (then the reply is
// -EBADF).
int fd_arg(const Call& c, int i) {
  return c.fds.host(c.arg[i]);
}

}  // namespace

int64_t sys_read(Call& c) {
  const int fd = fd_arg(c, 0);
  if (fd < 0) return -EBADF;
  uint8_t* buf = c.block.span(c.arg[1], c.arg[2]);
  if (buf == nullptr) return -EFAULT;
  return reply_of(::read(fd, buf, c.arg[2]));
}

int64_t sys_write(Call& c) {
  const int fd = fd_arg(c, 0);
  if (fd < 0) return -EBADF;
  const uint8_t* buf = c.block.span(c.arg[1], c.arg[2]);
  if (buf == nullptr) return -EFAULT;
  return reply_of(::write(fd, buf, c.arg[2]));
}

int64_t sys_pread64(Call& c) {
  const int fd = fd_arg(c, 0);
  if (fd < 0) return -EBADF;
  uint8_t* buf = c.block.span(c.arg[1], c.arg[2]);
  if (buf == nullptr) return -EFAULT;
  return reply_of(::pread(fd, buf, c.arg[2], static_cast<off_t>(c.arg[3])));
}

int64_t sys_pwrite64(Call& c) {
  const int fd = fd_arg(c, 0);
  if (fd < 0) return -EBADF;
  const uint8_t* buf = c.block.span(c.arg[1], c.arg[2]);
  if (buf == nullptr) return -EFAULT;
  return reply_of(::pwrite(fd, buf, c.arg[2], static_cast<off_t>(c.arg[3])));
}

int64_t sys_close(Call& c) {
  // Linux frees the number even when the final close reports an error, so
  // the reply is always 0 for an open number.
  return c.fds.close(c.arg[0]) ? 0 : -EBADF;
}

int64_t sys_lseek(Call& c) {
  const int fd = fd_arg(c, 0);
  if (fd < 0) return -EBADF;
  // SEEK_SET, SEEK_CUR, SEEK_END, SEEK_DATA, SEEK_HOLE.
  if (c.arg[2] > SEEK_HOLE) return -EINVAL;
  return reply_of(::lseek(fd, static_cast<off_t>(c.arg[1]), static_cast<int>(c.arg[2])));
}

int64_t sys_ioctl(Call& c) {
  const int fd = fd_arg(c, 0);
  if (fd < 0) return -EBADF;
  // Only FIONREAD; anything else is "not a tty" as Linux says for requests
  // a descriptor does not know (isatty() probes rely on it).
  if (c.arg[1] != FIONREAD) return -ENOTTY;
  if (!Block::in_data(c.arg[2], sizeof(int))) return -EFAULT;
  int avail = 0;
  if (::ioctl(fd, FIONREAD, &avail) != 0) return neg_errno();
  c.block.copy_out(c.arg[2], &avail, sizeof(avail));
  return 0;
}

int64_t sys_fsync(Call& c) {
  const int fd = fd_arg(c, 0);
  if (fd < 0) return -EBADF;
  return reply_of(::fsync(fd));
}

int64_t sys_fdatasync(Call& c) {
  const int fd = fd_arg(c, 0);
  if (fd < 0) return -EBADF;
  return reply_of(::fdatasync(fd));
}

int64_t sys_ftruncate(Call& c) {
  const int fd = fd_arg(c, 0);
  if (fd < 0) return -EBADF;
  return reply_of(::ftruncate(fd, static_cast<off_t>(c.arg[1])));
}

int64_t sys_fallocate(Call& c) {
  const int fd = fd_arg(c, 0);
  if (fd < 0) return -EBADF;
  // Mode 0 only (allocate and extend): punching holes or collapsing ranges
  // is not part of the table.
  if (c.arg[1] != 0) return -EINVAL;
  return reply_of(::fallocate(fd, 0, static_cast<off_t>(c.arg[2]), static_cast<off_t>(c.arg[3])));
}

int64_t sys_getdents64(Call& c) {
  const int fd = fd_arg(c, 0);
  if (fd < 0) return -EBADF;
  uint8_t* buf = c.block.span(c.arg[1], c.arg[2]);
  if (buf == nullptr) return -EFAULT;
  // The kernel writes whole records only, within count bytes.
  return reply_of(::syscall(SYS_getdents64, fd, buf, c.arg[2]));
}

}  // namespace cloister::host::sallyport
