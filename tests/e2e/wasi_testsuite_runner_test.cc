// SPDX-License-Identifier: Apache-2.0
//
// The WASI test suite runner's own parts (tools/wasi-testsuite): spec files,
// the Cloister.toml it writes (read back with Cloister's own config parser,
// so that awkward arguments and environment values survive the trip), and
// the expected-failure list.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <string>

#include "config/keep_config.h"
#include "expectations.h"
#include "keep_toml.h"
#include "process.h"
#include "spec.h"

namespace {

namespace fs = std::filesystem;
using namespace cloister::wasi_testsuite;

TEST(WasiTestsuiteSpec, ReadsEveryKeyAndResolvesRootAgainstTheSpecsFolder) {
  const auto tc = parse_spec("rust/x", "/suite/rust/x.wasm", R"({
      "args": ["a", "b c"], "env": {"K": "v", "E": ""}, "root": "fs-tests.dir",
      "exit_code": 3, "stdout": "out", "stderr": "err"})",
                             "/suite/rust/x.json");
  ASSERT_TRUE(tc) << tc.error().message();
  EXPECT_EQ(tc->args, (std::vector<std::string>{"a", "b c"}));
  ASSERT_EQ(tc->env.size(), 2u);
  ASSERT_TRUE(tc->root);
  EXPECT_EQ(*tc->root, fs::path("/suite/rust/fs-tests.dir"));
  EXPECT_EQ(tc->exit_code, 3);
  EXPECT_EQ(tc->stdout_prefix, "out");
  EXPECT_EQ(tc->stderr_prefix, "err");
}

TEST(WasiTestsuiteSpec, DefaultsAndNullRoot) {
  const auto tc = parse_spec("c/y", "y.wasm", R"({"root": null})", "y.json");
  ASSERT_TRUE(tc) << tc.error().message();
  EXPECT_FALSE(tc->root);
  EXPECT_EQ(tc->exit_code, 0);
  EXPECT_FALSE(tc->stdout_prefix);
}

TEST(WasiTestsuiteSpec, RejectsWhatItDoesNotUnderstand) {
  EXPECT_FALSE(parse_spec("c/y", "y.wasm", R"({"operations": []})", "y.json"));
  EXPECT_FALSE(parse_spec("c/y", "y.wasm", R"({"dirs": ["fs-tests.dir"]})", "y.json"));
  EXPECT_FALSE(parse_spec("c/y", "y.wasm", R"({"args": "a"})", "y.json"));
  EXPECT_FALSE(parse_spec("c/y", "y.wasm", R"({"env": {"a": 1}})", "y.json"));
  EXPECT_FALSE(parse_spec("c/y", "y.wasm", R"({"exit_code": "0"})", "y.json"));
  EXPECT_FALSE(parse_spec("c/y", "y.wasm", "{", "y.json"));
}

TEST(WasiTestsuiteToml, SurvivesCloistersConfigParser) {
  TestCase tc;
  tc.id = "assemblyscript/env";
  tc.args = {"first", "the \"second\" arg", "back\\slash", "tab\there", "π"};
  tc.env = {{"a", "text"}, {"b", "escap \" ing"}, {"c", "new\nline"}, {"d", "\x01\x7f"}};
  const fs::path root = "/tmp/some dir/root";
  const std::string toml = keep_toml(tc, root);
  const auto config = cloister::config::parse_config(toml, "generated.toml", "/tmp");
  ASSERT_TRUE(config) << config.error().message() << "\n" << toml;
  EXPECT_EQ(config->args, tc.args);
  EXPECT_EQ(config->env, tc.env);
  ASSERT_EQ(config->files.size(), 4u);
  using cloister::config::FileKind;
  EXPECT_EQ(config->files[0].kind, FileKind::Stdin);
  EXPECT_EQ(config->files[1].kind, FileKind::Stdout);
  EXPECT_EQ(config->files[2].kind, FileKind::Stderr);
  EXPECT_EQ(config->files[3].kind, FileKind::Dir);
  EXPECT_EQ(config->files[3].host_path, root.string());
  EXPECT_EQ(config->files[3].guest_path, "/");
  EXPECT_FALSE(config->files[3].read_only);
}

TEST(WasiTestsuiteToml, NoRootMeansDefaultStdioAndAnExactEnvironment) {
  TestCase tc;
  tc.id = "c/z";
  const auto config = cloister::config::parse_config(keep_toml(tc, std::nullopt), "g.toml", "/");
  ASSERT_TRUE(config) << config.error().message();
  EXPECT_TRUE(config->args.empty());
  EXPECT_TRUE(config->env.empty());
  EXPECT_EQ(config->files.size(), 3u);
  // No [[files]] list, so the keep adds no FD_COUNT/FD_NAMES.
  EXPECT_FALSE(config->files_listed);
}

TEST(WasiTestsuiteExpectations, NeedsAReasonForEveryEntry) {
  const auto ok = parse_expectations("# comment\n\nrust/a  why it fails\n c/b\tand this\n", "f");
  ASSERT_TRUE(ok) << ok.error().message();
  EXPECT_EQ(ok->size(), 2u);
  EXPECT_EQ(ok->at("rust/a"), "why it fails");
  EXPECT_EQ(ok->at("c/b"), "and this");

  const auto no_reason = parse_expectations("rust/a\n", "f");
  ASSERT_FALSE(no_reason);
  EXPECT_EQ(no_reason.error().message(),
            "f:1: rust/a has no reason (each expected failure must say why it fails)");
  EXPECT_FALSE(parse_expectations("a reason without an id\n", "f"));
  EXPECT_FALSE(parse_expectations("rust/a x\nrust/a y\n", "f"));
}

TEST(WasiTestsuiteProcess, CapturesBothStreamsAndTheExitCode) {
  const auto r = run_process({"/bin/sh", "-c", "read x; echo out; echo err >&2; exit 7"},
                             std::chrono::seconds(30));
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->exit_code, 7);  // `read` met /dev/null's end of file at once
  EXPECT_EQ(r->out, "out\n");
  EXPECT_EQ(r->err, "err\n");
  EXPECT_FALSE(r->timed_out);
}

TEST(WasiTestsuiteProcess, KillsTheWholeGroupAtTheDeadline) {
  const auto start = std::chrono::steady_clock::now();
  // The shell's child keeps the pipes open: the group kill must end it too.
  const auto r = run_process({"/bin/sh", "-c", "sleep 30 & sleep 30; echo never"},
                             std::chrono::milliseconds(300));
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_TRUE(r->timed_out);
  EXPECT_EQ(r->signal, SIGKILL);
  EXPECT_EQ(r->out, "");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

}  // namespace
