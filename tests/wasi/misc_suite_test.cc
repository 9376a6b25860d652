// SPDX-License-Identifier: Apache-2.0
//
// The WASI testsuite modules that exercise args/environ, clocks, random,
// proc, poll_oneoff and sock_shutdown, run in-process through run_command
// with exactly the arguments and environment their specs give (the keep adds
// FD_COUNT/FD_NAMES to the environment, so the end-to-end runner cannot check
// the environ tests; this does). Skipped when the testdata is absent.
#include <fcntl.h>
#include <gtest/gtest.h>

#include <cctype>
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "base/file.h"
#include "wasi/wasi.h"
#include "wasm/runtime.h"

namespace cloister::wasi {
namespace {

struct SuiteCase {
  const char* module;  // below wasi-testsuite/tests/
  std::vector<std::string> args;
  std::vector<std::string> env;
  int32_t exit_code;
};

// Values from the modules' .json specs (argv[0] is the module name).
const SuiteCase kCases[] = {
    {"assemblyscript/testsuite/wasm32-wasip1/args_get-multiple-arguments",
     {"first", "the \"second\" arg", "3"},
     {},
     0},
    {"assemblyscript/testsuite/wasm32-wasip1/args_sizes_get-multiple-arguments",
     {"first", "the \"second\" arg", "3"},
     {},
     0},
    {"assemblyscript/testsuite/wasm32-wasip1/args_sizes_get-no-arguments", {}, {}, 0},
    {"assemblyscript/testsuite/wasm32-wasip1/environ_get-multiple-variables",
     {},
     {"a=text", "b=escap \" ing", "c=new\nline"},
     0},
    {"assemblyscript/testsuite/wasm32-wasip1/environ_sizes_get-multiple-variables",
     {},
     {"a=b", "b=c", "c=d"},
     0},
    {"assemblyscript/testsuite/wasm32-wasip1/environ_sizes_get-no-variables", {}, {}, 0},
    {"assemblyscript/testsuite/wasm32-wasip1/proc_exit-failure", {}, {}, 33},
    {"assemblyscript/testsuite/wasm32-wasip1/proc_exit-success", {}, {}, 0},
    {"assemblyscript/testsuite/wasm32-wasip1/random_get-non-zero-length", {}, {}, 0},
    {"assemblyscript/testsuite/wasm32-wasip1/random_get-zero-length", {}, {}, 0},
    {"c/testsuite/wasm32-wasip1/clock_getres-monotonic", {}, {}, 0},
    {"c/testsuite/wasm32-wasip1/clock_getres-realtime", {}, {}, 0},
    {"c/testsuite/wasm32-wasip1/clock_gettime-monotonic", {}, {}, 0},
    {"c/testsuite/wasm32-wasip1/clock_gettime-realtime", {}, {}, 0},
    {"c/testsuite/wasm32-wasip1/sock_shutdown-invalid_fd", {}, {}, 0},
    {"c/testsuite/wasm32-wasip1/sock_shutdown-not_sock", {}, {}, 0},
    {"rust/testsuite/wasm32-wasip1/big_random_buf", {}, {}, 0},
    {"rust/testsuite/wasm32-wasip1/clock_time_get", {}, {}, 0},
    {"rust/testsuite/wasm32-wasip1/poll_oneoff_stdio", {}, {}, 0},
    {"rust/testsuite/wasm32-wasip1/sched_yield", {}, {}, 0},
};

// gtest prints parameters; without this it dumps the struct's raw bytes.
void PrintTo(const SuiteCase& c, std::ostream* os) {
  *os << c.module;
}

class SuiteTest : public ::testing::TestWithParam<SuiteCase> {};

TEST_P(SuiteTest, ExitsWithTheExpectedCode) {
  const SuiteCase& c = GetParam();
  const std::string path =
      std::string(CLOISTER_TESTDATA_DIR) + "/wasi-testsuite/tests/" + c.module + ".wasm";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "testdata absent: " << path;
  auto bytes = read_file(path);
  ASSERT_TRUE(bytes.has_value()) << bytes.error().message();
  auto module = wasm::load_module(*bytes);
  ASSERT_TRUE(module.has_value()) << module.error().message();

  WasiSetup setup;
  setup.args.push_back(std::filesystem::path(path).filename().string());
  setup.args.insert(setup.args.end(), c.args.begin(), c.args.end());
  setup.env = c.env;
  // stdin, stdout, stderr: /dev/null (readable at end-of-file, always
  // writable), as the suite's runner gives an empty stdin.
  setup.fds.resize(3);
  setup.fds[0].host.reset(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  setup.fds[1].host.reset(::open("/dev/null", O_WRONLY | O_CLOEXEC));
  setup.fds[2].host.reset(::open("/dev/null", O_WRONLY | O_CLOEXEC));
  auto ctx = WasiContext::create(std::move(setup));
  ASSERT_TRUE(ctx.has_value()) << ctx.error().message();

  wasm::Outcome<int32_t> r = run_command(*module, **ctx);
  ASSERT_TRUE(r) << r.failure().message();
  EXPECT_EQ(*r, c.exit_code);
}

std::string case_name(const ::testing::TestParamInfo<SuiteCase>& info) {
  std::string name = std::filesystem::path(info.param.module).filename().string();
  for (char& ch : name) {
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(WasiTestsuite, SuiteTest, ::testing::ValuesIn(kCases), case_name);

}  // namespace
}  // namespace cloister::wasi
