// SPDX-License-Identifier: Apache-2.0
//
// Real compiler output: programs/mix.c compiled to Wasm by clang at three
// optimisation levels (embedded by programs/regenerate.sh) must compute
// exactly what the same C code computes natively (compiled into this test).
#include <gtest/gtest.h>

#include <span>

#include "programs/mix_wasm.h"
#include "wasm/runtime.h"

extern "C" unsigned int work(int n);
extern "C" double fsum(int n);

namespace cloister::wasm {
namespace {

struct Program {
  const char* name;
  std::span<const uint8_t> bytes;
};

class ProgramTest : public ::testing::TestWithParam<Program> {};

TEST_P(ProgramTest, MatchesNativeResults) {
  auto module = load_module(GetParam().bytes);
  ASSERT_TRUE(module.has_value()) << module.error().message();
  Store store;
  auto inst = instantiate(store, *module, ImportMap().resolver());
  ASSERT_TRUE(inst.has_value()) << inst.failure().message();
  for (int n : {0, 1, 7, 50}) {
    const Value args[] = {Value::i32(static_cast<uint32_t>(n))};
    auto w = invoke(**inst, "work", args);
    ASSERT_TRUE(w.has_value()) << w.failure().message();
    EXPECT_EQ((*w)[0], Value::i32(work(n))) << "work(" << n << ")";
    auto f = invoke(**inst, "fsum", args);
    ASSERT_TRUE(f.has_value()) << f.failure().message();
    EXPECT_EQ((*f)[0], Value::f64(fsum(n))) << "fsum(" << n << ")";
  }
}

INSTANTIATE_TEST_SUITE_P(Mix, ProgramTest,
                         ::testing::Values(Program{"O0", mix_O0_wasm}, Program{"O2", mix_O2_wasm},
                                           Program{"Os", mix_Os_wasm}),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace cloister::wasm
