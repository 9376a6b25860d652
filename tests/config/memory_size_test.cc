// SPDX-License-Identifier: Apache-2.0
#include "config/memory_size.h"

#include <gtest/gtest.h>

namespace cloister::config {
namespace {

TEST(MemorySize, BinaryUnitsWithOrWithoutASpace) {
  EXPECT_EQ(parse_memory_size("512 MiB").value(), uint64_t{512} << 20);
  EXPECT_EQ(parse_memory_size("512M").value(), uint64_t{512} << 20);
  EXPECT_EQ(parse_memory_size("1 gib").value(), uint64_t{1} << 30);
  EXPECT_EQ(parse_memory_size("4K").value(), uint64_t{4096});
  EXPECT_EQ(parse_memory_size("4096").value(), uint64_t{4096});
}

TEST(MemorySize, RefusesWhatItCannotReadUnambiguously) {
  for (const char* bad : {"", "MiB", " 1 GiB", "1.5 GiB", "1 GB", "1 TiB", "1 GiB ", "-1 M",
                          "18446744073709551616", "17179869184 GiB"}) {
    auto r = parse_memory_size(bad);
    EXPECT_FALSE(r.has_value()) << bad;
    if (!r) {
      EXPECT_NE(r.error().message().find("memory size"), std::string::npos) << bad;
    }
  }
}

TEST(MemorySize, FormatsInTheLargestWholeUnit) {
  EXPECT_EQ(format_memory_size(uint64_t{1} << 30), "1 GiB");
  EXPECT_EQ(format_memory_size(uint64_t{1536} << 20), "1536 MiB");
  EXPECT_EQ(format_memory_size(uint64_t{3} << 10), "3 KiB");
  EXPECT_EQ(format_memory_size(1000), "1000 bytes");
}

}  // namespace
}  // namespace cloister::config
