// SPDX-License-Identifier: Apache-2.0
//
// A fixture for calling WASI functions directly: a 1-page guest memory, a
// fresh temporary directory preopened as "/" at fd 3 (read-write) and stdio
// at 0..2 connected to pipes the test can read and write.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "wasi/wasi.h"
#include "wasm/runtime.h"

namespace cloister::wasi::testing {

class WasiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/cloister-wasi-test-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    auto mem = store_.create_memory(wasm::MemoryType{{1, 16}});
    ASSERT_TRUE(mem.has_value());
    memory_ = *mem;
    rebuild({});
  }
  void TearDown() override {
    ctx_.reset();
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }

  struct Extra {
    bool read_only_root = false;
  };

  // (Re)creates the context: fds 0/1/2 are pipes (stdin_w_ feeds fd 0;
  // stdout_r_/stderr_r_ read fds 1/2), fd 3 is root_ preopened as "/".
  void rebuild(Extra extra) {
    ctx_.reset();
    WasiSetup setup;
    setup.args = {"prog"};
    int in[2], out[2], err[2];
    ASSERT_EQ(::pipe2(in, O_CLOEXEC), 0);
    ASSERT_EQ(::pipe2(out, O_CLOEXEC), 0);
    ASSERT_EQ(::pipe2(err, O_CLOEXEC), 0);
    stdin_w_.reset(in[1]);
    stdout_r_.reset(out[0]);
    stderr_r_.reset(err[0]);
    setup.fds.resize(4);
    setup.fds[0].host.reset(in[0]);
    setup.fds[1].host.reset(out[1]);
    setup.fds[2].host.reset(err[1]);
    setup.fds[3].host.reset(::open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    setup.fds[3].preopen = "/";
    setup.fds[3].read_only = extra.read_only_root;
    auto ctx = WasiContext::create(std::move(setup));
    ASSERT_TRUE(ctx.has_value()) << ctx.error().message();
    ctx_ = std::move(*ctx);
  }

  // Calls a WASI function; the Errno, or Errno::Io with a test failure when
  // the call ended in a Failure.
  Errno call(std::string_view name, std::initializer_list<wasm::Value> args) {
    std::vector<wasm::Value> v(args);
    auto r = call_wasi(*ctx_, memory_, name, v);
    if (!r) {
      ADD_FAILURE() << name << ": " << r.failure().message();
      return Errno::Io;
    }
    return *r;
  }
  static wasm::Value i32(uint32_t v) { return wasm::Value::i32(v); }
  static wasm::Value i64(uint64_t v) { return wasm::Value::i64(v); }

  // Guest memory helpers.
  uint8_t* mem() { return memory_->data(); }
  void put_bytes(uint32_t ptr, std::string_view s) { std::memcpy(mem() + ptr, s.data(), s.size()); }
  std::string get_bytes(uint32_t ptr, uint32_t len) {
    return std::string(reinterpret_cast<char*>(mem()) + ptr, len);
  }
  void put_u32(uint32_t ptr, uint32_t v) { std::memcpy(mem() + ptr, &v, 4); }
  uint32_t get_u32(uint32_t ptr) {
    uint32_t v;
    std::memcpy(&v, mem() + ptr, 4);
    return v;
  }
  uint64_t get_u64(uint32_t ptr) {
    uint64_t v;
    std::memcpy(&v, mem() + ptr, 8);
    return v;
  }
  // Writes a path string at `ptr` and returns its length, for path_* calls.
  uint32_t put_path(uint32_t ptr, std::string_view path) {
    put_bytes(ptr, path);
    return static_cast<uint32_t>(path.size());
  }
  std::string host_path(std::string_view rel) const { return root_ + "/" + std::string(rel); }

  wasm::Store store_;
  wasm::MemoryInst* memory_ = nullptr;
  std::unique_ptr<WasiContext> ctx_;
  std::string root_;
  UniqueFd stdin_w_, stdout_r_, stderr_r_;
};

}  // namespace cloister::wasi::testing
