// SPDX-License-Identifier: Apache-2.0
//
// Helpers for the fd_* tests: descriptors placed straight into the module's
// table (so these tests do not depend on path_open), and guest iovec lists.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <string_view>

#include "wasi/abi.h"
#include "wasi/fd_table.h"
#include "wasi_test_util.h"

namespace cloister::wasi::testing {

class FdTest : public WasiTest {
 protected:
  // Opens root_/rel with `flags` (creating it 0644 with O_CREAT) and gives
  // it to the module with `rights`; returns its WASI number.
  uint32_t open_file(std::string_view rel, int flags, uint64_t rights, bool read_only = false) {
    const std::string path = host_path(rel);
    const int fd = ::open(path.c_str(), flags | O_CLOEXEC, 0644);
    EXPECT_GE(fd, 0) << path;
    return add_fd(fd, rights, read_only);
  }
  // Gives a host descriptor to the module; the type comes from fstat.
  uint32_t add_fd(int host_fd, uint64_t rights, bool read_only = false) {
    FdEntry e;
    e.host.reset(host_fd);
    struct stat st {};
    EXPECT_EQ(::fstat(host_fd, &st), 0);
    e.type = S_ISDIR(st.st_mode)    ? Filetype::Directory
             : S_ISREG(st.st_mode)  ? Filetype::RegularFile
             : S_ISSOCK(st.st_mode) ? Filetype::SocketStream
                                    : Filetype::Unknown;
    e.rights_base = rights;
    e.rights_inheriting = 0;
    e.read_only = read_only;
    auto n = ctx_->fds().insert(std::move(e));
    EXPECT_TRUE(n.ok());
    return n.ok() ? *n : 0;
  }
  void write_host_file(std::string_view rel, std::string_view content) {
    const std::string path = host_path(rel);
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::write(fd, content.data(), content.size()), static_cast<ssize_t>(content.size()));
    ::close(fd);
  }
  std::string read_host_file(std::string_view rel) {
    const std::string path = host_path(rel);
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    EXPECT_GE(fd, 0);
    std::string out;
    char buf[4096];
    ssize_t n;
    while ((n = ::read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
    ::close(fd);
    return out;
  }
  // Writes an iovec record {buf, len} at `at`.
  void put_iov(uint32_t at, uint32_t buf, uint32_t len) {
    put_u32(at, buf);
    put_u32(at + 4, len);
  }
  uint8_t get_u8(uint32_t ptr) { return mem()[ptr]; }
  uint16_t get_u16(uint32_t ptr) {
    uint16_t v;
    std::memcpy(&v, mem() + ptr, 2);
    return v;
  }

  static constexpr uint32_t kPage = 65536;
  static constexpr uint64_t kRw = rights::kFdRead | rights::kFdWrite | rights::kFdSeek |
                                  rights::kFdTell | rights::kFdFilestatGet;
};

}  // namespace cloister::wasi::testing
