// SPDX-License-Identifier: Apache-2.0
#include "shim/boot_info.h"

#include <gtest/gtest.h>

namespace cloister::shim {
namespace {

using sallyport::boot::BootInfo;

BootInfo good() {
  using namespace sallyport::boot;
  return BootInfo{
      kBootMagic, kBootVersion, 0, uint64_t{1} << 30, kKeepElfGpa, 0x123456, 0x924000, 4, 0};
}

TEST(BootInfo, AcceptsWhatTheVmmHandsOver) {
  EXPECT_EQ(check_boot_info(good()), nullptr);
}

TEST(BootInfo, RefusesEachBrokenField) {
  auto expect_refused = [](BootInfo info, const char* what) {
    EXPECT_NE(check_boot_info(info), nullptr) << what;
  };
  BootInfo b = good();
  b.magic ^= 1;
  expect_refused(b, "magic");
  b = good();
  b.version = 2;
  expect_refused(b, "version");
  b = good();
  b.memory_size += 4096;
  expect_refused(b, "memory not 2 MiB multiple");
  b = good();
  b.memory_size = uint64_t{8} << 20;
  expect_refused(b, "memory too small");
  b = good();
  b.memory_size = uint64_t{1} << 40;
  expect_refused(b, "memory too large");
  b = good();
  b.keep_elf_gpa = 0x200000;
  expect_refused(b, "keep over the shim");
  b = good();
  b.keep_elf_size = 0;
  expect_refused(b, "empty keep");
  b = good();
  b.keep_elf_size = ~uint64_t{0} - 0x100;
  expect_refused(b, "keep size wraps");
  b = good();
  b.free_gpa = 0x900000;
  expect_refused(b, "free_gpa inside the keep");
  b = good();
  b.free_gpa = 0x924001;
  expect_refused(b, "free_gpa unaligned");
  b = good();
  b.free_gpa = b.memory_size;
  expect_refused(b, "free_gpa at the end");
  b = good();
  b.open_fds = 1025;
  expect_refused(b, "too many fds");
}

}  // namespace
}  // namespace cloister::shim
