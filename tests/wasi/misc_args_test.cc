// SPDX-License-Identifier: Apache-2.0
//
// args_get / args_sizes_get / environ_get / environ_sizes_get, with the
// values of the WASI testsuite's AssemblyScript tests (quotes, a newline).
#include <string>
#include <vector>

#include "misc_test_util.h"

namespace cloister::wasi::testing {
namespace {

class ArgsTest : public MiscWasiTest {
 protected:
  void SetUp() override {
    MiscWasiTest::SetUp();
    WasiSetup setup;
    setup.args = {"/test.wasm", "first", "the \"second\" arg", "3"};
    setup.env = {"a=text", "b=escap \" ing", "c=new\nline"};
    use_setup(std::move(setup));
  }

  // Calls `sizes` then `get` with pointers at 0x100 and strings at 0x400,
  // and returns the strings the pointers designate.
  std::vector<std::string> read_all(std::string_view sizes, std::string_view get) {
    EXPECT_EQ(call(sizes, {i32(0x10), i32(0x14)}), Errno::Success);
    const uint32_t count = get_u32(0x10);
    const uint32_t size = get_u32(0x14);
    std::memset(mem() + 0x400, 0xAA, size + 16);
    EXPECT_EQ(call(get, {i32(0x100), i32(0x400)}), Errno::Success);
    std::vector<std::string> out;
    uint32_t expected_ptr = 0x400;
    for (uint32_t i = 0; i < count; ++i) {
      const uint32_t p = get_u32(0x100 + 4 * i);
      // Packed one after another, in order.
      EXPECT_EQ(p, expected_ptr) << i;
      out.emplace_back(reinterpret_cast<const char*>(mem() + p));
      expected_ptr += static_cast<uint32_t>(out.back().size()) + 1;
    }
    // Exactly `size` bytes were used, the last one a NUL; nothing after it.
    EXPECT_EQ(expected_ptr, 0x400 + size);
    EXPECT_EQ(mem()[0x400 + size - 1], 0);
    EXPECT_EQ(mem()[0x400 + size], 0xAA);
    return out;
  }
};

TEST_F(ArgsTest, SizesCountStringsAndBytesWithTheirNuls) {
  ASSERT_EQ(call("args_sizes_get", {i32(0x10), i32(0x14)}), Errno::Success);
  EXPECT_EQ(get_u32(0x10), 4u);
  EXPECT_EQ(get_u32(0x14), std::string("/test.wasm").size() + 1 + 5 + 1 + 16 + 1 + 1 + 1);
  ASSERT_EQ(call("environ_sizes_get", {i32(0x10), i32(0x14)}), Errno::Success);
  EXPECT_EQ(get_u32(0x10), 3u);
  EXPECT_EQ(get_u32(0x14), 7u + 14u + 11u);
}

TEST_F(ArgsTest, ArgsGetLaysOutPointersThenPackedStrings) {
  EXPECT_EQ(read_all("args_sizes_get", "args_get"),
            (std::vector<std::string>{"/test.wasm", "first", "the \"second\" arg", "3"}));
}

TEST_F(ArgsTest, EnvironGetGivesKeyValueStringsVerbatim) {
  EXPECT_EQ(read_all("environ_sizes_get", "environ_get"),
            (std::vector<std::string>{"a=text", "b=escap \" ing", "c=new\nline"}));
}

TEST_F(ArgsTest, EmptyArgsAndEnvironment) {
  WasiSetup setup;
  use_setup(std::move(setup));
  put_u32(0x10, 77);
  put_u32(0x14, 77);
  ASSERT_EQ(call("environ_sizes_get", {i32(0x10), i32(0x14)}), Errno::Success);
  EXPECT_EQ(get_u32(0x10), 0u);
  EXPECT_EQ(get_u32(0x14), 0u);
  ASSERT_EQ(call("args_sizes_get", {i32(0x10), i32(0x14)}), Errno::Success);
  EXPECT_EQ(get_u32(0x10), 0u);
  EXPECT_EQ(get_u32(0x14), 0u);
  // Nothing to write: any pointer up to the end of memory is fine.
  const auto end = static_cast<uint32_t>(memory_size());
  EXPECT_EQ(call("args_get", {i32(end), i32(end)}), Errno::Success);
  EXPECT_EQ(call("environ_get", {i32(end), i32(end)}), Errno::Success);
}

TEST_F(ArgsTest, SizesGetFaultsOnEitherPointerWithoutWriting) {
  const auto end = static_cast<uint32_t>(memory_size());
  put_u32(0x10, 77);
  EXPECT_EQ(call("args_sizes_get", {i32(0x10), i32(end - 2)}), Errno::Fault);
  EXPECT_EQ(get_u32(0x10), 77u);
  EXPECT_EQ(call("environ_sizes_get", {i32(end), i32(0x10)}), Errno::Fault);
  EXPECT_EQ(call("args_sizes_get", {i32(0xFFFFFFFF), i32(0x10)}), Errno::Fault);
}

TEST_F(ArgsTest, GetFaultsWhenThePointerArrayOrTheBufferDoesNotFit) {
  const auto end = static_cast<uint32_t>(memory_size());
  ASSERT_EQ(call("args_sizes_get", {i32(0x10), i32(0x14)}), Errno::Success);
  const uint32_t size = get_u32(0x14);
  // Four pointers need 16 bytes; 12 remain.
  EXPECT_EQ(call("args_get", {i32(end - 12), i32(0x400)}), Errno::Fault);
  // The buffer is one byte short.
  EXPECT_EQ(call("args_get", {i32(0x100), i32(end - size + 1)}), Errno::Fault);
  EXPECT_EQ(call("environ_get", {i32(0x100), i32(0xFFFFFFF0)}), Errno::Fault);
  // Exactly fitting at the very end is fine.
  EXPECT_EQ(call("args_get", {i32(end - 16), i32(0x400)}), Errno::Success);
  EXPECT_EQ(get_u32(end - 16), 0x400u);
  EXPECT_EQ(call("args_get", {i32(0x100), i32(end - size)}), Errno::Success);
  EXPECT_EQ(get_u32(0x100), end - size);
  EXPECT_EQ(mem()[end - 1], 0);
}

}  // namespace
}  // namespace cloister::wasi::testing
