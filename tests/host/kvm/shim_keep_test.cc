// SPDX-License-Identifier: Apache-2.0
//
// The real thing: the embedded shim boots the keep program (or a small
// static test program) through run_kvm. Skips, with the reason, where kvm
// cannot be used or the wasm test programs could not be built.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "captured_run.h"
#include "config/keep_config.h"
#include "host/kvm/kvm_backend.h"
#include "host/kvm/shim_image.h"
#include "host/kvm/vmm.h"
#include "host/workload.h"

namespace cloister::host {
namespace {

const std::string kKeepProgram = std::string(CLOISTER_BINARY_DIR) + "/cloister-keep";
const std::string kPrograms = std::string(CLOISTER_BINARY_DIR) + "/tests/e2e/programs/";

struct KeepRun {
  Result<int> status = fail("not run");
  std::string out, err;
  kvm::VmTimings timings;
};

class ShimKeepTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto usable = kvm_usable();
    if (!usable) GTEST_SKIP() << "kvm backend not usable here: " << usable.error().message();
  }

  KeepRun run(const std::string& keep_program, Workload workload, const std::string& input = {}) {
    KeepRun r;
    kvm_testing::Capture capture;
    capture.stdin_text = input;
    kvm_testing::CapturedRun c =
        kvm_testing::run_captured(KvmOptions{}, capture, [&](const KvmOptions& options) {
          return kvm::run_vm(kvm::embedded_shim(), keep_program, std::move(workload), options,
                             &r.timings);
        });
    r.status = std::move(c.status);
    r.out = std::move(c.out);
    r.err = std::move(c.err);
    return r;
  }

  KeepRun run_module(const std::string& name, const std::vector<std::string>& args) {
    const std::string module = kPrograms + name + ".wasm";
    auto workload = prepare_workload(module, config::default_config(), args);
    EXPECT_TRUE(workload) << workload.error().message();
    return run(kKeepProgram, std::move(*workload));
  }
};

// The keep program must be the static one (sanitizer builds link it
// dynamically) and the e2e module must have been built.
#define SKIP_WITHOUT(module)                                                               \
  do {                                                                                     \
    if (auto keep = check_keep_program(kKeepProgram); !keep) {                             \
      GTEST_SKIP() << keep.error().message();                                              \
    }                                                                                      \
    if (!std::filesystem::exists(kPrograms + module)) {                                    \
      GTEST_SKIP() << kPrograms + module << " was not built (no wasm32-wasi C toolchain)"; \
    }                                                                                      \
  } while (0)

TEST_F(ShimKeepTest, WorkloadRunsWithItsArgumentsAndExitCode) {
  SKIP_WITHOUT("show_args.wasm");
  KeepRun r = run_module("show_args", {"7", "two words"});
  ASSERT_TRUE(r.status) << r.status.error().message();
  EXPECT_EQ(*r.status, 7) << r.err;
  EXPECT_EQ(r.out, "argv[0]=" + kPrograms + "show_args.wasm\nargv[1]=7\nargv[2]=two words\n");
  std::printf("kvm keep: first doorbell %.2f ms, show_args done %.2f ms, %llu doorbells\n",
              r.timings.first_doorbell_ns / 1e6, r.timings.end_ns / 1e6,
              static_cast<unsigned long long>(r.timings.doorbells));
}

TEST_F(ShimKeepTest, TrapEndsWith134AsOnNil) {
  SKIP_WITHOUT("trap.wasm");
  KeepRun r = run_module("trap", {});
  ASSERT_TRUE(r.status) << r.status.error().message();
  EXPECT_EQ(*r.status, 134) << r.err;
}

// The guest-fault test of issue 5: a keep program that writes to an address
// nothing maps ends with the diagnostic (vector 14, RIP, address), not a
// hang.
TEST_F(ShimKeepTest, UnmappedAccessInTheKeepEndsWithTheDiagnostic) {
  Workload w;
  w.launch.module_name = "unused.wasm";
  KeepRun r = run(std::string(KVM_GUEST_DIR) + "/fault_program", std::move(w));
  ASSERT_TRUE(r.status) << r.status.error().message();
  EXPECT_EQ(*r.status, kExitKeepFault);
  EXPECT_TRUE(std::regex_search(
      r.err,
      std::regex("cloister: keep fault: page fault \\(#PF\\) \\(vector 14\\) at rip "
                 "0x[0-9a-f]+, address 0xdead0000 \\(error code 0x[0-9a-f]*[67], ring 3\\)\n")))
      << r.err;
}

// The shim's read/write fast path (src/shim/fast_io.h) moves data and
// refuses every buffer the program does not own with EFAULT.
TEST_F(ShimKeepTest, FastReadWriteMovesDataAndRefusesForeignBuffers) {
  Workload w;
  w.launch.module_name = "unused.wasm";
  KeepRun r = run(std::string(KVM_GUEST_DIR) + "/fast_io_program", std::move(w), "input");
  ASSERT_TRUE(r.status) << r.status.error().message();
  EXPECT_EQ(*r.status, 0) << r.err;
  EXPECT_EQ(r.out,
            "read 5 \n"
            "write-back 5 \n"
            "write-kernel -1 EFAULT\n"
            "read-kernel -1 EFAULT\n"
            "write-wrap -1 EFAULT\n"
            "write-unmapped -1 EFAULT\n"
            "read-readonly -1 EFAULT\n");
  EXPECT_EQ(r.err, "input");
}

}  // namespace
}  // namespace cloister::host
