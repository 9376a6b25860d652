// SPDX-License-Identifier: Apache-2.0
//
// Helpers for the path_* tests: one call per WASI function with the path
// strings placed in guest memory, and host-side checks of the tree.
#pragma once

#include <sys/stat.h>

#include <fstream>
#include <sstream>
#include <string>

#include "wasi/abi.h"
#include "wasi_test_util.h"

namespace cloister::wasi::testing {

class PathTest : public WasiTest {
 protected:
  static constexpr uint32_t kPreopen = 3;
  // Guest memory layout used by the helpers.
  static constexpr uint32_t kOut = 16;      // u32 results
  static constexpr uint32_t kStat = 64;     // filestat (64 bytes)
  static constexpr uint32_t kPath1 = 1024;  // first path
  static constexpr uint32_t kPath2 = 8192;  // second path
  static constexpr uint32_t kBuf = 16384;   // readlink buffer

  Errno open(std::string_view path, uint32_t oflags = 0, uint64_t base = 0, uint64_t inheriting = 0,
             uint32_t fdflags = 0, uint32_t dirflags = 0, uint32_t dirfd = kPreopen) {
    const uint32_t len = put_path(kPath1, path);
    put_u32(kOut, 0xFFFFFFFF);
    return call("path_open", {i32(dirfd), i32(dirflags), i32(kPath1), i32(len), i32(oflags),
                              i64(base), i64(inheriting), i32(fdflags), i32(kOut)});
  }
  // The fd the last successful open returned.
  uint32_t opened() { return get_u32(kOut); }
  Errno close(uint32_t fd) { return ctx_->fds().close(fd); }

  Errno one_path(std::string_view fn, std::string_view path, uint32_t dirfd = kPreopen) {
    const uint32_t len = put_path(kPath1, path);
    return call(fn, {i32(dirfd), i32(kPath1), i32(len)});
  }
  Errno mkdir(std::string_view path, uint32_t dirfd = kPreopen) {
    return one_path("path_create_directory", path, dirfd);
  }
  Errno rmdir(std::string_view path, uint32_t dirfd = kPreopen) {
    return one_path("path_remove_directory", path, dirfd);
  }
  Errno unlink(std::string_view path, uint32_t dirfd = kPreopen) {
    return one_path("path_unlink_file", path, dirfd);
  }
  Errno symlink(std::string_view target, std::string_view path, uint32_t dirfd = kPreopen) {
    const uint32_t tlen = put_path(kPath1, target);
    const uint32_t plen = put_path(kPath2, path);
    return call("path_symlink", {i32(kPath1), i32(tlen), i32(dirfd), i32(kPath2), i32(plen)});
  }
  Errno rename(std::string_view from, std::string_view to, uint32_t from_fd = kPreopen,
               uint32_t to_fd = kPreopen) {
    const uint32_t flen = put_path(kPath1, from);
    const uint32_t tlen = put_path(kPath2, to);
    return call("path_rename",
                {i32(from_fd), i32(kPath1), i32(flen), i32(to_fd), i32(kPath2), i32(tlen)});
  }
  Errno link(std::string_view from, std::string_view to, uint32_t flags = 0,
             uint32_t from_fd = kPreopen, uint32_t to_fd = kPreopen) {
    const uint32_t flen = put_path(kPath1, from);
    const uint32_t tlen = put_path(kPath2, to);
    return call("path_link", {i32(from_fd), i32(flags), i32(kPath1), i32(flen), i32(to_fd),
                              i32(kPath2), i32(tlen)});
  }
  // path_readlink into a buf_len-byte buffer; `*text` gets the bytes used.
  Errno readlink(std::string_view path, uint32_t buf_len, std::string* text,
                 uint32_t dirfd = kPreopen) {
    const uint32_t len = put_path(kPath1, path);
    std::memset(mem() + kBuf, 0, 256);
    Errno e = call("path_readlink",
                   {i32(dirfd), i32(kPath1), i32(len), i32(kBuf), i32(buf_len), i32(kOut)});
    if (e == Errno::Success && text != nullptr) *text = get_bytes(kBuf, get_u32(kOut));
    return e;
  }
  Errno stat(std::string_view path, bool follow = false, uint32_t dirfd = kPreopen) {
    const uint32_t len = put_path(kPath1, path);
    return call("path_filestat_get", {i32(dirfd), i32(follow ? kLookupSymlinkFollow : 0),
                                      i32(kPath1), i32(len), i32(kStat)});
  }
  Filetype stat_type() { return static_cast<Filetype>(mem()[kStat + layout::kFilestatFiletype]); }
  uint64_t stat_size() { return get_u64(kStat + layout::kFilestatSize_); }
  uint64_t stat_mtim() { return get_u64(kStat + layout::kFilestatMtim); }
  uint64_t stat_atim() { return get_u64(kStat + layout::kFilestatAtim); }
  uint64_t stat_ino() { return get_u64(kStat + layout::kFilestatIno); }
  Errno set_times(std::string_view path, bool follow, uint64_t atim, uint64_t mtim,
                  uint32_t fstflags, uint32_t dirfd = kPreopen) {
    const uint32_t len = put_path(kPath1, path);
    return call("path_filestat_set_times",
                {i32(dirfd), i32(follow ? kLookupSymlinkFollow : 0), i32(kPath1), i32(len),
                 i64(atim), i64(mtim), i32(fstflags)});
  }

  // Host-side view of the tree under root_.
  void write_host(std::string_view rel, std::string_view content) {
    std::ofstream(host_path(rel), std::ios::binary) << content;
  }
  std::string read_host(std::string_view rel) {
    std::ifstream in(host_path(rel), std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }
  // lstat of an absolute or root_-relative host path: whether it exists.
  static bool host_exists(const std::string& abs) {
    struct stat st {};
    return ::lstat(abs.c_str(), &st) == 0;
  }
  bool exists(std::string_view rel) { return host_exists(host_path(rel)); }
  FdEntry* entry(uint32_t fd) { return ctx_->fds().find(fd); }
};

}  // namespace cloister::wasi::testing
