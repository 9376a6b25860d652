// SPDX-License-Identifier: Apache-2.0
//
// A sallyport block built by hand and a server over a jail:
//   jail/outside.txt, jail/outside_dir/   must never change
//   jail/root/                            granted as guest fd 3 (O_RDONLY|O_DIRECTORY)
//                                         and guest fd 4 (O_PATH|O_DIRECTORY)
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "host/sallyport/server.h"
#include "sallyport/abi.h"

namespace cloister::host::sallyport::testing {

namespace fs = std::filesystem;
namespace abi = cloister::sallyport;

inline constexpr uint64_t kRootFd = 3;
inline constexpr uint64_t kRootPathFd = 4;

inline std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

class SallyportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/cloister-sallyport-test-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    jail_ = tmpl;
    root_ = jail_ / "root";
    fs::create_directory(root_);
    fs::create_directory(jail_ / "outside_dir");
    std::ofstream(jail_ / "outside.txt") << "outside";
    ASSERT_TRUE(server_.install(kRootFd, UniqueFd(::open(root_.c_str(), O_RDONLY | O_DIRECTORY))));
    ASSERT_TRUE(
        server_.install(kRootPathFd, UniqueFd(::open(root_.c_str(), O_PATH | O_DIRECTORY))));
    block_.assign(abi::kBlockSize / 8, 0);
  }

  void TearDown() override {
    // The jail outside root/ is exactly as created, whatever the test did.
    EXPECT_TRUE(jail_intact());
    std::error_code ec;
    fs::remove_all(jail_, ec);
  }

  bool jail_intact() const {
    size_t entries = 0;
    for (const auto& e : fs::directory_iterator(jail_)) {
      (void)e;
      ++entries;
    }
    return entries == 3 && fs::is_empty(jail_ / "outside_dir") &&
           read_file(jail_ / "outside.txt") == "outside";
  }

  uint8_t* block() { return reinterpret_cast<uint8_t*>(block_.data()); }
  abi::Header& header() { return *reinterpret_cast<abi::Header*>(block()); }

  // Room in the data area (8-aligned). Slots are not reused until the
  // first half of the data area is used up, so a test may keep offsets
  // across a few requests.
  uint64_t alloc(size_t n) {
    if (next_ + n > abi::kBlockSize / 2) next_ = abi::kDataOffset;
    const uint64_t off = next_;
    next_ += (n + 7) & ~size_t{7};
    return off;
  }
  uint64_t put(const void* data, size_t n) {
    const uint64_t off = alloc(n);
    std::memcpy(block() + off, data, n);
    return off;
  }
  // A NUL-terminated string.
  uint64_t str(std::string_view s) {
    const uint64_t off = alloc(s.size() + 1);
    std::memcpy(block() + off, s.data(), s.size());
    block()[off + s.size()] = 0;
    return off;
  }
  template <typename T>
  T get(uint64_t off) {
    T v;
    std::memcpy(&v, block() + off, sizeof(v));
    return v;
  }

  // Runs one Linux call and returns its reply.
  int64_t call(uint64_t op, std::initializer_list<uint64_t> args) {
    header().op = op;
    size_t i = 0;
    for (uint64_t a : args) header().arg[i++] = a;
    for (; i < 6; ++i) header().arg[i] = 0;
    header().ret = 0x5555;
    const Outcome o = server_.handle(block());
    EXPECT_TRUE(std::holds_alternative<Continue>(o));
    return header().ret;
  }

  // Opens `name` beneath root (through the server) and returns the guest fd.
  int64_t open_guest(std::string_view name, uint64_t flags, uint64_t mode = 0644) {
    const uint64_t p = str(name);
    return call(257 /* openat */, {kRootFd, p, flags, mode});
  }

  void write_file(std::string_view rel, std::string_view text) {
    std::ofstream(root_ / rel) << text;
  }

  Server server_{2};
  fs::path jail_;
  fs::path root_;

 private:
  std::vector<uint64_t> block_;
  uint64_t next_ = abi::kDataOffset;
};

}  // namespace cloister::host::sallyport::testing
