// SPDX-License-Identifier: Apache-2.0
//
// Plays a hostile keep: the input is the initial content of the start of the
// block's data area, then a sequence of requests (an op from the table, a
// few outside it and the shim's own ops, with arguments that are mostly
// small numbers and offsets of useful strings, sometimes anything), and
// writes of input bytes into the block between them (so structs such as
// open_how, pollfd and timespec are fuzzed too). Checks, for every request:
// the server does not crash, the reply is a result or -errno in range, it
// changed nothing in the header but `ret`, counts and new fds are within
// what was asked; and after every input, that nothing outside the granted
// directory was created, removed or changed (it sits in a jail whose other
// content is compared). The server runs as whoever runs the fuzzer (root on
// CI), so file permissions do not help: confinement must do it all.
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <variant>

#include "host/sallyport/server.h"
#include "sallyport/abi.h"

namespace {

namespace fs = std::filesystem;
namespace abi = cloister::sallyport;
using cloister::UniqueFd;
using cloister::host::sallyport::Server;

// jail/
//   outside.txt      must never change (content, mtime, ctime, link count, mode;
//                    not atime: the check itself reads it)
//   outside_dir/     must stay empty
//   root/            granted as guest fds 3 (O_RDONLY) and 4 (O_PATH), rebuilt for every input:
//     file.txt, dir/inner.txt, out -> ../outside.txt, out_dir -> ../outside_dir,
//     abs -> <jail>/outside.txt, in -> file.txt
//   ro/keep.txt      ro/ is granted read-only as guest fd 5: it must not change either
struct Jail {
  fs::path dir;
  fs::path root;
  fs::path ro;
  struct stat outside_stat {};
  struct stat ro_stat {};

  Jail() {
    char tmpl[] = "/tmp/cloister-fuzz-sallyport-XXXXXX";
    if (::mkdtemp(tmpl) == nullptr) std::abort();
    dir = tmpl;
    static fs::path* to_remove = new fs::path(dir);
    std::atexit([] {
      std::error_code ec;
      fs::remove_all(*to_remove, ec);
    });
    root = dir / "root";
    ro = dir / "ro";
    std::ofstream(dir / "outside.txt") << "outside";
    fs::create_directory(dir / "outside_dir");
    if (::stat((dir / "outside.txt").c_str(), &outside_stat) != 0) std::abort();
  }

  void reset_root() {
    std::error_code ec;
    fs::remove_all(root, ec);  // removes symlinks, never follows them
    fs::create_directories(root / "dir");
    std::ofstream(root / "file.txt") << "hello";
    std::ofstream(root / "dir" / "inner.txt") << "inner";
    fs::create_symlink("../outside.txt", root / "out");
    fs::create_symlink("../outside_dir", root / "out_dir");
    fs::create_symlink(dir / "outside.txt", root / "abs");
    fs::create_symlink("file.txt", root / "in");
    fs::remove_all(ro, ec);
    fs::create_directory(ro);
    std::ofstream(ro / "keep.txt") << "read only";
    if (::stat((ro / "keep.txt").c_str(), &ro_stat) != 0) std::abort();
  }

  // The read-only grant is as reset_root made it (entries, content, times).
  bool read_only_intact() const {
    std::error_code ec;
    size_t entries = 0;
    for (const auto& e : fs::directory_iterator(ro, ec)) {
      (void)e;
      ++entries;
    }
    struct stat st;
    if (entries != 1 || ::lstat((ro / "keep.txt").c_str(), &st) != 0) return false;
    if (st.st_ino != ro_stat.st_ino || st.st_nlink != 1 || st.st_size != 9 ||
        st.st_mtim.tv_nsec != ro_stat.st_mtim.tv_nsec ||
        st.st_ctim.tv_nsec != ro_stat.st_ctim.tv_nsec) {
      return false;
    }
    std::ifstream in(ro / "keep.txt");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return text == "read only";
  }

  // The jail outside root/ and ro/ is exactly as created.
  bool intact() const {
    std::error_code ec;
    size_t entries = 0;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
      (void)e;
      ++entries;
    }
    if (entries != 4 || !fs::is_empty(dir / "outside_dir", ec)) return false;
    struct stat st;
    if (::lstat((dir / "outside.txt").c_str(), &st) != 0) return false;
    if (st.st_size != 7 || st.st_nlink != 1 || st.st_ino != outside_stat.st_ino ||
        st.st_mtim.tv_sec != outside_stat.st_mtim.tv_sec ||
        st.st_mtim.tv_nsec != outside_stat.st_mtim.tv_nsec ||
        st.st_ctim.tv_sec != outside_stat.st_ctim.tv_sec ||
        st.st_ctim.tv_nsec != outside_stat.st_ctim.tv_nsec || st.st_mode != outside_stat.st_mode) {
      return false;
    }
    std::ifstream in(dir / "outside.txt");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return text == "outside";
  }
};

UniqueFd open_or_die(const fs::path& p, int flags) {
  UniqueFd fd(::open(p.c_str(), flags | O_CLOEXEC));
  if (!fd) std::abort();
  return fd;
}

// The ops a request may name: the whole table, a few calls outside it, and
// the shim's own ops.
constexpr uint64_t kOps[] = {
    SYS_read,         SYS_write,           SYS_close,         SYS_lseek,      SYS_ioctl,
    SYS_pread64,      SYS_pwrite64,        SYS_sendto,        SYS_recvfrom,   SYS_shutdown,
    SYS_getsockname,  SYS_getpeername,     SYS_setsockopt,    SYS_getsockopt, SYS_fcntl,
    SYS_fsync,        SYS_fdatasync,       SYS_ftruncate,     SYS_getdents64, SYS_clock_gettime,
    SYS_clock_getres, SYS_clock_nanosleep, SYS_openat,        SYS_mkdirat,    SYS_newfstatat,
    SYS_unlinkat,     SYS_renameat,        SYS_linkat,        SYS_symlinkat,  SYS_readlinkat,
    SYS_ppoll,        SYS_utimensat,       SYS_fallocate,     SYS_accept4,    SYS_openat2,
    SYS_open,         SYS_socket,          SYS_connect,       SYS_execve,     SYS_renameat2,
    abi::kOpExit,     abi::kOpFault,       abi::kOpViolation, abi::kOpLog,
};

// Strings a request can point at, placed at fixed offsets of the block.
constexpr const char* kStrings[] = {
    "file.txt",
    "dir",
    "dir/inner.txt",
    "..",
    "../outside.txt",
    "/etc/passwd",
    "out",
    "out_dir/",
    "abs",
    "in",
    "",
    ".",
    "new",
    "out_dir",
    "dir/",
    "new/",
    "../outside_dir/x",
    "dir/../..",
    "/",
    "in/",
    "ro",
    "keep.txt",
    "ro/keep.txt",
};
constexpr uint64_t kStringArea = abi::kDataOffset + 8192;
constexpr uint64_t kStringSlot = 32;
// Where the fuzzer puts timespecs it forces (so nothing sleeps long).
constexpr uint64_t kTimeSlot = abi::kBlockSize - 64;

struct Input {
  const uint8_t* data;
  size_t size;
  size_t pos = 0;
  bool done() const { return pos >= size; }
  uint8_t u8() { return pos < size ? data[pos++] : 0; }
  uint64_t raw(int bytes) {
    uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v = v << 8 | u8();
    return v;
  }
};

uint64_t next_arg(Input& in) {
  const uint8_t sel = in.u8();
  switch (sel >> 5) {
    case 0:
    case 1:
      return sel & 0x3f;  // small: fds, flags, lengths
    case 2:
      return kStringArea + (sel & 0x1f) % std::size(kStrings) * kStringSlot;
    case 3:
      return abi::kDataOffset + uint64_t{in.u8()} * 16;  // the fuzzed data
    case 4:
      return in.raw(2);  // counts, flag words, the header
    case 5: {
      static constexpr uint64_t kEdges[] = {
          abi::kNull, abi::kBlockSize,      abi::kBlockSize - 1,         abi::kBlockSize - 8,
          0,          abi::kDataOffset - 1, static_cast<uint64_t>(-100), abi::kMaxFds};
      return kEdges[sel & 7];
    }
    default:
      return in.raw(8);
  }
}

// Keeps a request from blocking the fuzzer or filling the disk; the checks
// that run before these limits still see the fuzzed values.
bool tame(uint8_t* block, uint64_t op, uint64_t* arg) {
  auto put_time = [&](uint64_t off, bool keep_bad) {
    if (off > abi::kBlockSize - 16 || off < abi::kDataOffset) return;
    int64_t ts[2];
    std::memcpy(ts, block + off, sizeof(ts));
    const bool bad = ts[1] < 0 || ts[1] >= 1000000000;
    ts[0] = 0;
    if (!(keep_bad && bad)) ts[1] = ts[1] < 0 ? 0 : ts[1] % 200000;
    std::memcpy(block + off, ts, sizeof(ts));
  };
  switch (op) {
    case SYS_clock_nanosleep:
      put_time(arg[2], true);
      return true;
    case SYS_ppoll:
      if (arg[2] == abi::kNull) arg[2] = kTimeSlot;
      put_time(arg[2], false);
      return true;
    case SYS_fallocate:
      // Real allocation; sparse growth (ftruncate, pwrite) costs nothing.
      return arg[2] < (1 << 20) && arg[3] < (1 << 20);
    case SYS_accept4:
    case SYS_recvfrom:
      return false;  // no sockets here; accept on one would wait
    default:
      return true;
  }
}

bool returns_count(uint64_t op) {
  return op == SYS_read || op == SYS_write || op == SYS_pread64 || op == SYS_pwrite64 ||
         op == SYS_getdents64 || op == SYS_readlinkat || op == SYS_sendto || op == SYS_recvfrom;
}
bool returns_fd(uint64_t op, const uint64_t* arg) {
  return op == SYS_openat || op == SYS_openat2 || op == SYS_accept4 ||
         (op == SYS_fcntl && (arg[1] == 0 /* F_DUPFD */ || arg[1] == 1030 /* F_DUPFD_CLOEXEC */));
}

// Ends the run with what broke, so a finding explains itself.
[[noreturn]] void broken(const char* what, uint64_t op, int64_t ret) {
  std::fprintf(stderr, "fuzz_sallyport_server: %s (op %llu, ret %lld)\n", what,
               static_cast<unsigned long long>(op), static_cast<long long>(ret));
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Jail* jail = new Jail();
  static uint8_t* block = new uint8_t[abi::kBlockSize];
  static UniqueFd* log_fd = new UniqueFd(open_or_die("/dev/null", O_WRONLY));

  jail->reset_root();
  Server server(log_fd->get());
  auto install = [&](int n, UniqueFd fd) {
    if (!server.install(n, std::move(fd))) std::abort();
  };
  install(0, open_or_die("/dev/null", O_RDONLY));
  install(1, open_or_die("/dev/null", O_WRONLY));
  install(2, open_or_die("/dev/null", O_RDWR));
  install(3, open_or_die(jail->root, O_RDONLY | O_DIRECTORY));
  install(4, open_or_die(jail->root, O_PATH | O_DIRECTORY));
  if (!server.install(5, open_or_die(jail->ro, O_RDONLY | O_DIRECTORY),
                      Server::Access::kReadOnly)) {
    std::abort();
  }

  // The block: zeros, the fuzzed start of the data area (length-prefixed,
  // in 8-byte units), the strings, and a 0xaa tail that a missing NUL runs
  // into.
  std::memset(block, 0, 64 * 1024);
  std::memset(block + abi::kBlockSize - 4096, 0xaa, 4096);
  Input in{data, size};
  const size_t initial = std::min<size_t>(size_t{in.u8()} * 8, size - std::min(size, in.pos));
  std::memcpy(block + abi::kDataOffset, data + in.pos, std::min<size_t>(initial, 4096));
  in.pos += initial;
  for (size_t i = 0; i < std::size(kStrings); ++i) {
    std::strcpy(reinterpret_cast<char*>(block + kStringArea + i * kStringSlot), kStrings[i]);
  }

  for (int requests = 0; requests < 64 && !in.done(); ++requests) {
    const uint8_t sel = in.u8();
    if (sel >= 0xf0) {
      // Write a few input bytes into the fuzzed area.
      const uint64_t off = abi::kDataOffset + uint64_t{in.u8()} * 16;
      const size_t n = std::min<size_t>(sel & 0xf, in.size - std::min(in.size, in.pos)) + 1;
      for (size_t i = 0; i < n; ++i) block[off + i] = in.u8();
      continue;
    }
    abi::Header h{};
    h.op = kOps[sel % std::size(kOps)];
    for (uint64_t& a : h.arg) a = next_arg(in);
    if (!tame(block, h.op, h.arg)) continue;
    h.ret = 0x1234567;
    std::memcpy(block, &h, sizeof(h));

    const cloister::host::sallyport::Outcome outcome = server.handle(block);

    abi::Header after;
    std::memcpy(&after, block, sizeof(after));
    const int64_t ret = after.ret;
    if (after.op != h.op || std::memcmp(after.arg, h.arg, sizeof(h.arg)) != 0) {
      broken("the reply changed the request header", h.op, ret);
    }
    using cloister::host::sallyport::Continue;
    if (h.op == abi::kOpExit || h.op == abi::kOpFault || h.op == abi::kOpViolation) {
      if (std::holds_alternative<Continue>(outcome)) broken("a final op continued", h.op, ret);
      continue;
    }
    if (!std::holds_alternative<Continue>(outcome)) broken("a call ended the keep", h.op, ret);
    if (ret < -abi::kMaxErrno || ret == 0x1234567) broken("no valid reply", h.op, ret);
    const uint64_t count = h.arg[h.op == SYS_readlinkat ? 3 : 2];
    if (ret >= 0 && returns_count(h.op) && static_cast<uint64_t>(ret) > count) {
      broken("a count beyond the request", h.op, ret);
    }
    if (ret >= 0 && returns_fd(h.op, h.arg) && static_cast<uint64_t>(ret) >= abi::kMaxFds) {
      broken("an fd beyond the table", h.op, ret);
    }
  }
  if (!jail->intact()) broken("something outside the granted directory changed", 0, 0);
  if (!jail->read_only_intact()) broken("something in the read-only grant changed", 0, 0);
  return 0;
}
