// SPDX-License-Identifier: Apache-2.0
#include "shim/user_stack.h"

#include <gtest/gtest.h>
#include <linux/auxvec.h>

#include <cstring>
#include <map>
#include <string>
#include <vector>

namespace cloister::shim {
namespace {

constexpr uint64_t kTop = 0x7ff000000000;

// Reads the stack image back the way glibc's start-up code does.
struct Reader {
  const std::vector<uint8_t>& buf;
  uint64_t word(uint64_t va) const {
    uint64_t v;
    std::memcpy(&v, buf.data() + buf.size() - (kTop - va), 8);
    return v;
  }
  std::string str(uint64_t va) const {
    return reinterpret_cast<const char*>(buf.data() + buf.size() - (kTop - va));
  }
  bool inside(uint64_t va) const { return va < kTop && kTop - va <= buf.size(); }
};

TEST(UserStack, LaysOutArgvEnvpAndAuxvAsTheAbiSays) {
  const char* argv[] = {"cloister-keep", "second"};
  const char* envp[] = {"A=1"};
  const AuxEntry aux[] = {{AT_PAGESZ, 4096}, {AT_ENTRY, 0x1234}};
  uint8_t random[16];
  for (int i = 0; i < 16; ++i) random[i] = static_cast<uint8_t>(0xA0 + i);
  const StackSpec spec{argv, 2, envp, 1, aux, 2, random, "x86_64"};
  std::vector<uint8_t> buf(1024);
  const uint64_t sp = build_user_stack(spec, buf.data(), buf.size(), kTop);
  ASSERT_NE(sp, 0u);
  EXPECT_EQ(sp % 16, 0u);
  const Reader r{buf};
  ASSERT_TRUE(r.inside(sp));
  EXPECT_EQ(r.word(sp), 2u);
  EXPECT_EQ(r.str(r.word(sp + 8)), "cloister-keep");
  EXPECT_EQ(r.str(r.word(sp + 16)), "second");
  EXPECT_EQ(r.word(sp + 24), 0u);
  EXPECT_EQ(r.str(r.word(sp + 32)), "A=1");
  EXPECT_EQ(r.word(sp + 40), 0u);
  std::map<uint64_t, uint64_t> auxv;
  uint64_t at = sp + 48;
  for (;; at += 16) {
    ASSERT_TRUE(r.inside(at + 16));
    if (r.word(at) == AT_NULL) break;
    EXPECT_EQ(auxv.count(r.word(at)), 0u) << "duplicate auxv entry " << r.word(at);
    auxv[r.word(at)] = r.word(at + 8);
  }
  EXPECT_EQ(auxv[AT_PAGESZ], 4096u);
  EXPECT_EQ(auxv[AT_ENTRY], 0x1234u);
  EXPECT_EQ(r.str(auxv[AT_PLATFORM]), "x86_64");
  EXPECT_EQ(r.str(auxv[AT_EXECFN]), "cloister-keep");
  ASSERT_TRUE(r.inside(auxv[AT_RANDOM] + 16));
  EXPECT_EQ(std::memcmp(buf.data() + buf.size() - (kTop - auxv[AT_RANDOM]), random, 16), 0);
  // Everything the vectors point at lies above them, below the top.
  EXPECT_GT(auxv[AT_RANDOM], at);
}

TEST(UserStack, KeepsRspAlignedForEveryVectorLength) {
  const char* argv[] = {"a", "bb", "ccc"};
  const AuxEntry aux[] = {{AT_PAGESZ, 4096}};
  const uint8_t random[16] = {};
  for (uint64_t argc = 0; argc <= 3; ++argc) {
    for (uint64_t auxc = 0; auxc <= 1; ++auxc) {
      const StackSpec spec{argv, argc, nullptr, 0, aux, auxc, random, "x86_64"};
      std::vector<uint8_t> buf(512);
      const uint64_t sp = build_user_stack(spec, buf.data(), buf.size(), kTop);
      ASSERT_NE(sp, 0u);
      EXPECT_EQ(sp % 16, 0u) << argc << " " << auxc;
      EXPECT_EQ(Reader{buf}.word(sp), argc);
    }
  }
}

TEST(UserStack, RefusesABufferTooSmall) {
  const char* argv[] = {"cloister-keep"};
  const uint8_t random[16] = {};
  const StackSpec spec{argv, 1, nullptr, 0, nullptr, 0, random, "x86_64"};
  for (uint64_t size = 0; size < 120; size += 8) {
    std::vector<uint8_t> buf(size);
    EXPECT_EQ(build_user_stack(spec, buf.data(), buf.size(), kTop), 0u) << size;
  }
}

}  // namespace
}  // namespace cloister::shim
