// SPDX-License-Identifier: Apache-2.0
//
// `cloister run` end to end, as a user runs it: exit codes, output, stdin,
// arguments and environment, traps, bad modules and configs, and sandbox
// escape attempts (each must fail with the right WASI errno).
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "cli/cli_runner.h"
#include "e2e/backends.h"

namespace cloister::testing {
namespace {

namespace fs = std::filesystem;

// What programs/sandbox.c prints. Every attempt to leave the preopen fails
// with ENOTCAPABLE (WASI's "capabilities insufficient"), as does every write
// below a read-only preopen; absolute guest paths name the preopen "/".
constexpr const char* SANDBOX_ESCAPE_EXPECTED =
    "open inside.txt: ok\n"
    "open /inside.txt: ok\n"
    "open ../inside.txt: ENOTCAPABLE\n"
    "open sub/../../inside.txt: ENOTCAPABLE\n"
    "open /../../../etc/passwd: ENOTCAPABLE\n"
    "open abs_link/passwd: ENOTCAPABLE\n"
    "open rel_link/etc/passwd: ENOTCAPABLE\n"
    "open sub/up/etc/passwd: ENOTCAPABLE\n"
    "create abs_link/cloister-escape: ENOTCAPABLE\n"
    "stat abs_link/passwd: ENOTCAPABLE\n"
    "mkdir ../escaped: ENOTCAPABLE\n"
    "rename inside.txt -> ../moved: ENOTCAPABLE\n"
    "link inside.txt -> rel_link/linked: ENOTCAPABLE\n"
    "unlink abs_link/hostname: ENOTCAPABLE\n";
constexpr const char* SANDBOX_READONLY_EXPECTED =
    "open inside.txt: ok\n"
    "open inside.txt: ENOTCAPABLE\n"
    "open inside.txt: ENOTCAPABLE\n"
    "create new.txt: ENOTCAPABLE\n"
    "mkdir newdir: ENOTCAPABLE\n"
    "unlink inside.txt: ENOTCAPABLE\n"
    "rename inside.txt -> renamed.txt: ENOTCAPABLE\n"
    "symlink inside.txt <- sl: ENOTCAPABLE\n";

fs::path program(const std::string& name) {
  return fs::path(CLOISTER_BINARY_DIR) / "tests" / "e2e" / "programs" / (name + ".wasm");
}

// Every test runs on every backend (nil, kvm): a workload must not be able
// to tell them apart, except by what isolation it gets.
class RunTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
#if !CLOISTER_E2E_PROGRAMS
    GTEST_SKIP() << "no wasm32-wasi C toolchain (apt install clang-16 lld-16 wasi-libc "
                    "libclang-rt-16-dev-wasm32): the test programs were not built";
#endif
    if (const std::string why = backend_unavailable(GetParam()); !why.empty()) GTEST_SKIP() << why;
    char tmpl[] = "/tmp/cloister-run-test-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
  }
  fs::path write(const std::string& name, const std::string& text) {
    fs::path p = dir_ / name;
    std::ofstream(p) << text;
    return p;
  }
  // `cloister run ...` on this test's backend.
  std::vector<std::string> on_backend(std::vector<std::string> args) const {
    if (!args.empty() && args[0] == "run") {
      args.insert(args.begin() + 1, {"--backend", GetParam()});
    }
    return args;
  }
  RunResult run_cloister(const std::vector<std::string>& args) const {
    return testing::run_cloister(on_backend(args));
  }
  RunResult run_cloister_with_stdin(const std::vector<std::string>& args,
                                    const fs::path& in) const {
    return testing::run_cloister_with_stdin(on_backend(args), in);
  }
  fs::path dir_;
};

TEST_P(RunTest, ExitCodeArgumentsAndEnvironmentComeFromTheRequestOnly) {
  ::setenv("CLOISTER_HOST_SECRET", "must-not-leak", 1);
  const fs::path cfg = write("Cloister.toml",
                             "args = [\"7\", \"two words\"]\n"
                             "[env]\nGREETING = \"hello\"\n");
  RunResult r =
      run_cloister({"run", "--config", cfg.string(), program("show_args").string(), "--", "extra"});
  ::unsetenv("CLOISTER_HOST_SECRET");
  EXPECT_EQ(r.exit_code, 7) << r.err;
  EXPECT_EQ(r.out, "argv[0]=" + program("show_args").string() +
                       "\n"
                       "argv[1]=7\nargv[2]=two words\nargv[3]=extra\n"
                       "env GREETING=hello\n");
  EXPECT_EQ(r.err, "");
}

TEST_P(RunTest, WithoutAConfigTheModuleGetsStdioOnly) {
  RunResult r = run_cloister({"run", program("show_args").string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "argv[0]=" + program("show_args").string() + "\n");
}

TEST_P(RunTest, AFilesListIsDescribedByFdCountAndFdNames) {
  std::filesystem::create_directory(dir_ / "data");
  const fs::path cfg = write("Cloister.toml",
                             "[env]\nA = \"1\"\n"
                             "[[files]]\nkind = \"null\"\n"
                             "[[files]]\nkind = \"stdout\"\n"
                             "[[files]]\nkind = \"stderr\"\nname = \"log\"\n"
                             "[[files]]\nkind = \"dir\"\nhost = \"data\"\nguest = \"/data\"\n");
  RunResult r = run_cloister({"run", "--config", cfg.string(), program("show_args").string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "argv[0]=" + program("show_args").string() +
                       "\nenv A=1\nenv FD_COUNT=4\nenv FD_NAMES=null:stdout:log:/data\n");
}

TEST_P(RunTest, ExitCodesAboveTwoHundredFiftyFiveKeepTheirLowByte) {
  RunResult r = run_cloister({"run", program("show_args").string(), "--", "300"});
  EXPECT_EQ(r.exit_code, 300 & 0xff);
}

TEST_P(RunTest, StdinAndStdoutAreTheUsersOwn) {
  const fs::path in = write("input.txt", std::string(100000, 'x') + "end\n");
  RunResult r = run_cloister_with_stdin({"run", program("cat").string()}, in);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, std::string(100000, 'x') + "end\n");
  EXPECT_EQ(r.err, "100004 bytes\n");
}

TEST_P(RunTest, ATrapNamesTheFunctionAndOffsetAndExitsWith134) {
  RunResult r = run_cloister({"run", program("trap").string()});
  EXPECT_EQ(r.exit_code, 134);
  EXPECT_EQ(r.out, "before the trap\n");
  EXPECT_TRUE(r.err.starts_with("cloister: trap in fail_deliberately at 0x")) << r.err;
  EXPECT_TRUE(r.err.ends_with(": unreachable\n")) << r.err;
}

TEST_P(RunTest, EndlessRecursionIsACleanTrap) {
  RunResult r = run_cloister({"run", program("stack_overflow").string()});
  EXPECT_EQ(r.exit_code, 134);
  EXPECT_NE(r.err.find("cloister: trap in "), std::string::npos) << r.err;
}

TEST_P(RunTest, MissingAndCorruptModulesAreRefusedWith125) {
  RunResult missing = run_cloister({"run", (dir_ / "nope.wasm").string()});
  EXPECT_EQ(missing.exit_code, 125);
  EXPECT_NE(missing.err.find("cannot read module"), std::string::npos) << missing.err;
  EXPECT_NE(missing.err.find("nope.wasm"), std::string::npos) << missing.err;

  const fs::path junk = write("junk.wasm", "this is not wasm");
  RunResult corrupt = run_cloister({"run", junk.string()});
  EXPECT_EQ(corrupt.exit_code, 125);
  EXPECT_NE(corrupt.err.find("not a valid WebAssembly module"), std::string::npos) << corrupt.err;
  EXPECT_NE(corrupt.err.find("magic header not detected"), std::string::npos) << corrupt.err;

  // A truncated copy of a real module.
  std::ifstream f(program("show_args"), std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  const fs::path cut = write("cut.wasm", bytes.substr(0, bytes.size() / 2));
  RunResult truncated = run_cloister({"run", cut.string()});
  EXPECT_EQ(truncated.exit_code, 125);
  EXPECT_NE(truncated.err.find("offset"), std::string::npos) << truncated.err;
}

TEST_P(RunTest, AModuleImportingSomethingElseIsALinkError) {
  // (module (import "env" "f" (func)) (memory (export "memory") 1)
  //         (func (export "_start")))
  const unsigned char wasm[] = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01,
                                0x60, 0x00, 0x00, 0x02, 0x09, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x01,
                                0x66, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00, 0x05, 0x03, 0x01, 0x00,
                                0x01, 0x07, 0x13, 0x02, 0x06, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79,
                                0x02, 0x00, 0x06, 0x5f, 0x73, 0x74, 0x61, 0x72, 0x74, 0x00, 0x01,
                                0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b};
  const fs::path p =
      write("imports.wasm", std::string(reinterpret_cast<const char*>(wasm), sizeof wasm));
  RunResult r = run_cloister({"run", p.string()});
  EXPECT_EQ(r.exit_code, 125);
  EXPECT_NE(r.err.find("env"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("unknown import"), std::string::npos) << r.err;
}

TEST_P(RunTest, ConfigErrorsNameFileLineAndColumn) {
  const fs::path cfg = write("Cloister.toml", "args = [\"a\"]\n[[files]]\nkind = \"pipe\"\n");
  RunResult r = run_cloister({"run", "--config", cfg.string(), program("show_args").string()});
  EXPECT_EQ(r.exit_code, 125);
  EXPECT_NE(r.err.find(cfg.string() + ":3:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("pipe"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");

  RunResult missing = run_cloister(
      {"run", "--config", (dir_ / "none.toml").string(), program("show_args").string()});
  EXPECT_EQ(missing.exit_code, 125);
  EXPECT_NE(missing.err.find("none.toml"), std::string::npos) << missing.err;
}

// Neither nil nor kvm can keep the workload's memory from the host, so a
// workload that requires a confidential keep does not start on them, and
// `auto` names what the confidential backends lack.
TEST_P(RunTest, RequireConfidentialRefusesBackendsThatAreNot) {
  const fs::path cfg = write("Cloister.toml", "[keep]\nrequire = \"confidential\"\n");
  RunResult r = run_cloister({"run", "--config", cfg.string(), program("show_args").string()});
  EXPECT_EQ(r.exit_code, 125);
  EXPECT_NE(
      r.err.find("backend " + GetParam() + " cannot keep the workload's memory from the host"),
      std::string::npos)
      << r.err;
  EXPECT_EQ(r.out, "");
  RunResult automatic = testing::run_cloister(
      {"run", "--backend", "auto", "--config", cfg.string(), program("show_args").string()});
  EXPECT_EQ(automatic.exit_code, 125);
  EXPECT_NE(automatic.err.find("requires a confidential keep"), std::string::npos) << automatic.err;
  EXPECT_NE(automatic.err.find("sev-snp: "), std::string::npos) << automatic.err;
}

// [keep] memory sizes the VM (kvm); nil runs the same workload regardless.
TEST_P(RunTest, KeepMemoryComesFromTheConfig) {
  const fs::path cfg = write("Cloister.toml", "[keep]\nmemory = \"64 MiB\"\n");
  RunResult r = run_cloister(
      {"run", "-v", "--config", cfg.string(), program("show_args").string(), "--", "3"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  if (GetParam() == "kvm") {
    EXPECT_NE(r.err.find("backend kvm (a micro-VM with 64 MiB of memory"), std::string::npos)
        << r.err;
  } else {
    EXPECT_NE(r.err.find("backend nil"), std::string::npos) << r.err;
  }
}

TEST_P(RunTest, UnknownBackendIsRefused) {
  RunResult r = testing::run_cloister({"run", "--backend", "sgx", program("show_args").string()});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("sgx"), std::string::npos) << r.err;
}

TEST_P(RunTest, TheKeepProgramRefusesToBeStartedByHand) {
  const fs::path keep = fs::path(CLOISTER_BINARY_DIR) / "cloister-keep";
  const std::string cmd = shell_quote(keep.string()) + " something 2>/dev/null";
  const int status = std::system(cmd.c_str());
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 125);
}

// Where `cloister` finds the keep program: beside itself, in an installed
// tree's libexec/cloister/, or at $CLOISTER_KEEP; otherwise it says where it
// looked.
TEST_P(RunTest, FindsTheKeepProgramWhereverItIsInstalled) {
  const fs::path build = CLOISTER_BINARY_DIR;
  fs::create_directories(dir_ / "bin");
  fs::create_directories(dir_ / "libexec" / "cloister");
  fs::copy_file(build / "cloister", dir_ / "bin" / "cloister");
  const auto run_copy = [&](const std::string& env) {
    const std::string cmd = env + " " + shell_quote((dir_ / "bin" / "cloister").string()) +
                            " run --backend " + GetParam() + " " +
                            shell_quote(program("show_args").string()) + " 2>" +
                            shell_quote((dir_ / "err.txt").string()) + " >/dev/null";
    const int status = std::system(cmd.c_str());
    std::ifstream err(dir_ / "err.txt");
    std::string text((std::istreambuf_iterator<char>(err)), std::istreambuf_iterator<char>());
    return std::make_pair(WIFEXITED(status) ? WEXITSTATUS(status) : -1, text);
  };
  auto [missing, why] = run_copy("env -u CLOISTER_KEEP");
  EXPECT_EQ(missing, 125);
  EXPECT_NE(why.find("cannot find the keep program"), std::string::npos) << why;
  EXPECT_NE(why.find((dir_ / "libexec" / "cloister" / "cloister-keep").string()), std::string::npos)
      << why;

  auto [by_env, err1] =
      run_copy("CLOISTER_KEEP=" + shell_quote((build / "cloister-keep").string()));
  EXPECT_EQ(by_env, 0) << err1;

  fs::copy_file(build / "cloister-keep", dir_ / "libexec" / "cloister" / "cloister-keep");
  auto [installed, err2] = run_copy("env -u CLOISTER_KEEP");
  EXPECT_EQ(installed, 0) << err2;
}

// The keep process `cloister` started, from /proc (nil backend).
pid_t keep_child_of(pid_t parent) {
  std::ifstream children("/proc/" + std::to_string(parent) + "/task/" + std::to_string(parent) +
                         "/children");
  pid_t child = 0;
  children >> child;
  return child;
}

TEST_P(RunTest, StoppingCloisterStopsTheKeepToo) {
  BackgroundCloister bg(on_backend({"run", program("sleep_forever").string()}));
  ASSERT_TRUE(bg.started());
  // Wait until the module runs (it has said so), not merely until the keep
  // process exists.
  for (int i = 0; i < 1000 && bg.out_so_far() != "ready\n"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(bg.out_so_far(), "ready\n");
  // A nil keep is a child process; a kvm keep is a VM inside `cloister`.
  const pid_t keep = GetParam() == "nil" ? keep_child_of(bg.pid()) : 0;
  if (GetParam() == "nil") {
    ASSERT_GT(keep, 0) << "no keep process";
  }
  // Only `cloister` is signalled, as `kill PID` would do.
  ASSERT_EQ(::kill(bg.pid(), SIGTERM), 0);
  for (int i = 0; i < 500 && bg.running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_FALSE(bg.running()) << "cloister did not end";
  RunResult r = bg.stop();
  EXPECT_EQ(r.exit_code, 128 + SIGTERM) << r.err;
  EXPECT_EQ(r.out, "ready\n");
  // The keep is gone (cloister reaped it), not orphaned.
  if (keep > 0) {
    EXPECT_NE(::kill(keep, 0), 0);
  }
}

// The sandbox: a preopen "/" with symlinks pointing out of it.
class SandboxTest : public RunTest {
 protected:
  void SetUp() override {
    RunTest::SetUp();
    if (IsSkipped()) return;
    root_ = dir_ / "root";
    fs::create_directories(root_ / "sub");
    std::ofstream(root_ / "inside.txt") << "inside\n";
    fs::create_symlink("/etc", root_ / "abs_link");
    fs::create_symlink("../..", root_ / "rel_link");
    fs::create_symlink("../../", root_ / "sub" / "up");
  }
  RunResult run_mode(const std::string& mode, const std::string& access) {
    const fs::path cfg = write(
        "Cloister.toml", "args = [\"" + mode +
                             "\"]\n"
                             "[[files]]\nkind = \"stdin\"\n"
                             "[[files]]\nkind = \"stdout\"\n"
                             "[[files]]\nkind = \"stderr\"\n"
                             "[[files]]\nkind = \"dir\"\nhost = \"" +
                             root_.string() + "\"\nguest = \"/\"\nmode = \"" + access + "\"\n");
    return run_cloister({"run", "--config", cfg.string(), program("sandbox").string()});
  }
  fs::path root_;
};

TEST_P(SandboxTest, EveryEscapeAttemptFailsWithTheRightErrno) {
  RunResult r = run_mode("escape", "rw");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, SANDBOX_ESCAPE_EXPECTED) << r.err;
  // Nothing appeared or moved outside the sandbox.
  EXPECT_FALSE(fs::exists(dir_ / "escaped"));
  EXPECT_FALSE(fs::exists(dir_ / "moved"));
  EXPECT_FALSE(fs::exists(dir_ / "linked"));
  EXPECT_FALSE(fs::exists("/etc/cloister-escape"));
  EXPECT_TRUE(fs::exists(root_ / "inside.txt"));
}

TEST_P(SandboxTest, AReadOnlyPreopenRefusesEveryWrite) {
  RunResult r = run_mode("readonly", "ro");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, SANDBOX_READONLY_EXPECTED) << r.err;
  EXPECT_FALSE(fs::exists(root_ / "new.txt"));
  EXPECT_FALSE(fs::exists(root_ / "newdir"));
  EXPECT_FALSE(fs::is_symlink(root_ / "sl"));
  std::ifstream in(root_ / "inside.txt");
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(content, "inside\n");
}

INSTANTIATE_TEST_SUITE_P(Backends, RunTest, ::testing::ValuesIn(test_backends()), backend_name);
INSTANTIATE_TEST_SUITE_P(Backends, SandboxTest, ::testing::ValuesIn(test_backends()), backend_name);

}  // namespace
}  // namespace cloister::testing
