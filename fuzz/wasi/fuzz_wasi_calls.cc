// SPDX-License-Identifier: Apache-2.0
//
// Every WASI function reads structures a hostile module wrote into its memory
// (iovec lists, paths, rights, flags, subscriptions): this target plays such
// a module. The input is the initial content of a one-page guest memory
// followed by a sequence of calls, each naming a function and its arguments.
// It checks that no call crashes the host, that every result is a valid
// errno, and that nothing outside the preopened directory is ever created,
// removed or changed (the directory sits in a jail whose other content is
// compared before and after each input).
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "wasi/call.h"
#include "wasi/wasi.h"
#include "wasm/runtime.h"

namespace {

namespace fs = std::filesystem;
using cloister::wasi::Errno;
using cloister::wasi::WasiFunction;

// jail/
//   outside.txt       must never change
//   outside_dir/      must stay empty
//   root/             preopened as "/" (read-write), rebuilt for every input
//     file.txt, dir/inner.txt, ro/   (ro is also preopened read-only as "/ro")
struct Jail {
  fs::path dir;
  fs::path root;

  Jail() {
    char tmpl[] = "/tmp/cloister-fuzz-wasi-XXXXXX";
    if (::mkdtemp(tmpl) == nullptr) std::abort();
    dir = tmpl;
    static fs::path* to_remove = new fs::path(dir);
    std::atexit([] {
      std::error_code ec;
      fs::remove_all(*to_remove, ec);
    });
    root = dir / "root";
    std::ofstream(dir / "outside.txt") << "outside";
    fs::create_directory(dir / "outside_dir");
  }

  void reset_root() {
    std::error_code ec;
    fs::remove_all(root, ec);  // removes symlinks, never follows them
    fs::create_directories(root / "dir");
    fs::create_directories(root / "ro");
    std::ofstream(root / "file.txt") << "hello";
    std::ofstream(root / "dir" / "inner.txt") << "inner";
    std::ofstream(root / "ro" / "keep.txt") << "read only";
  }

  // The jail outside root/ is exactly as created.
  bool intact() const {
    std::error_code ec;
    size_t entries = 0;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
      (void)e;
      ++entries;
    }
    if (entries != 3) return false;
    if (!fs::is_empty(dir / "outside_dir", ec)) return false;
    std::ifstream in(dir / "outside.txt");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return text == "outside";
  }
};

cloister::UniqueFd open_or_die(const fs::path& p, int flags) {
  cloister::UniqueFd fd(::open(p.c_str(), flags | O_CLOEXEC));
  if (!fd) std::abort();
  return fd;
}

// Calls that could block the fuzzer for long (a poll with a far deadline)
// are not made.
bool may_block(const std::string& name) {
  return name == "poll_oneoff" || name == "sock_accept" || name == "sock_recv";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Jail* jail = new Jail();
  static cloister::wasm::Store* store = new cloister::wasm::Store();
  static cloister::wasm::MemoryInst* memory = [] {
    auto m = store->create_memory(cloister::wasm::MemoryType{{1, 1}});
    if (!m) std::abort();
    return *m;
  }();
  const auto& functions = cloister::wasi::wasi_registry().functions();

  jail->reset_root();
  cloister::wasi::WasiSetup setup;
  setup.args = {"fuzz", "arg"};
  setup.env = {"A=1"};
  setup.fds.resize(5);
  setup.fds[0].host = open_or_die("/dev/null", O_RDONLY);
  setup.fds[1].host = open_or_die("/dev/null", O_WRONLY);
  setup.fds[2].host = open_or_die("/dev/null", O_WRONLY);
  setup.fds[3].host = open_or_die(jail->root, O_RDONLY | O_DIRECTORY);
  setup.fds[3].preopen = "/";
  setup.fds[4].host = open_or_die(jail->root / "ro", O_RDONLY | O_DIRECTORY);
  setup.fds[4].preopen = "/ro";
  setup.fds[4].read_only = true;
  auto ctx = cloister::wasi::WasiContext::create(std::move(setup));
  if (!ctx) std::abort();

  // Initial memory: up to 1 KiB of the input, length-prefixed by one byte
  // (in 4-byte units) so that the call sequence can start anywhere.
  std::memset(memory->data(), 0, memory->size_bytes());
  size_t pos = 0;
  if (size == 0) return 0;
  const size_t mem_len = std::min<size_t>(size_t{data[0]} * 4, size - 1);
  std::memcpy(memory->data(), data + 1, mem_len);
  pos = 1 + mem_len;

  // Argument values: mostly small numbers and in-memory pointers, sometimes
  // raw 32/64-bit values, so that both the interesting and the hostile
  // ranges are reached.
  auto next_u8 = [&]() -> uint8_t { return pos < size ? data[pos++] : 0; };
  auto next_arg = [&](bool is64) -> uint64_t {
    const uint8_t sel = next_u8();
    switch (sel >> 6) {
      case 0:
        return sel & 0x3f;  // small: fds, flags, lengths
      case 1:
        return uint64_t{next_u8()} * 16;  // a pointer into the first 4 KiB
      case 2:
        return uint64_t{next_u8()} << 8 | next_u8();  // anywhere in the page and beyond
      default: {
        uint64_t v = 0;
        for (int i = 0; i < (is64 ? 8 : 4); ++i) v = v << 8 | next_u8();
        return v;
      }
    }
  };

  for (int calls = 0; pos < size && calls < 64; ++calls) {
    const WasiFunction& f = functions[next_u8() % functions.size()];
    std::vector<cloister::wasm::Value> args;
    for (char p : f.params) {
      const bool is64 = p == 'I';
      const uint64_t v = next_arg(is64);
      args.push_back(is64 ? cloister::wasm::Value::i64(v)
                          : cloister::wasm::Value::i32(static_cast<uint32_t>(v)));
    }
    if (may_block(f.name)) continue;
    // fallocate really reserves disk blocks: keep the fuzzer's disk use small.
    if (f.name == "fd_allocate" && args[2].i64() > (1u << 20)) continue;
    auto r = cloister::wasi::call_wasi(**ctx, memory, f.name, args);
    if (!r) {
      if (f.name == "proc_exit" && r.failure().kind == cloister::wasm::FailureKind::Exit) break;
      std::abort();  // no other function may fail the call itself
    }
    if (static_cast<uint16_t>(*r) > cloister::wasi::kErrnoMax) std::abort();
  }
  ctx->reset();
  if (!jail->intact()) std::abort();
  return 0;
}
