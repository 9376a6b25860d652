// SPDX-License-Identifier: Apache-2.0
//
// The hostile-guest test (issue 5, section 4) end to end: a guest booted by
// the real VMM in place of the shim (guests/hostile_guest.S) sends
// malformed sallyport requests straight to the host's server. The host must
// refuse each one with the right errno (the guest checks every reply and
// exits with the number of the first wrong one), never crash or end the
// keep, keep serving ordinary calls afterwards, and leave everything outside
// the granted directory as it was. Skips when /dev/kvm cannot be used.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "../kvm/captured_run.h"
#include "base/file.h"
#include "host/kvm/kvm_system.h"
#include "host/kvm/vmm.h"
#include "sallyport/abi.h"

namespace cloister::host::sallyport {
namespace {

namespace fs = std::filesystem;
namespace abi = cloister::sallyport;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

TEST(HostileGuestTest, EveryMalformedRequestIsRefusedAndTheHostKeepsServing) {
  auto kvm = kvm::KvmSystem::open();
  if (!kvm) GTEST_SKIP() << "kvm is not usable here: " << kvm.error().message();
  const std::string guest = std::string(HOSTILE_GUEST_DIR) + "/hostile_guest.elf";
  auto image = read_file(guest);
  ASSERT_TRUE(image) << image.error().message();

  char tmpl[] = "/tmp/cloister-hostile-guest-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  const fs::path jail = tmpl;
  const fs::path root = jail / "root";
  fs::create_directory(root);
  std::ofstream(root / "file.txt") << "hello";
  fs::create_symlink("../outside.txt", root / "out");
  std::ofstream(jail / "outside.txt") << "outside";

  Workload workload;
  workload.launch.module_name = "hostile.wasm";
  workload.fds.emplace_back(UniqueFd(::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)), 4);
  KvmOptions options;
  options.memory_bytes = uint64_t{64} << 20;
  // Every reply, for the failure message.
  std::vector<abi::Header> replies;
  options.reply_hook = [&](uint8_t* block) {
    abi::Header h;
    std::memcpy(&h, block, sizeof(h));
    replies.push_back(h);
  };
  kvm_testing::Capture capture;
  capture.stdin_open = true;
  kvm_testing::CapturedRun run = kvm_testing::run_captured(
      options, capture,
      [&](const KvmOptions& o) { return kvm::run_vm(*image, guest, std::move(workload), o); });
  const Result<int>& status = run.status;
  const std::string& stdout_text = run.out;
  const std::string& stderr_text = run.err;

  ASSERT_TRUE(status) << status.error().message();
  std::string log;
  for (size_t i = 0; i < replies.size(); ++i) {
    char line[160];
    std::snprintf(line, sizeof line, "#%zu op %llu (%llu, %llu, %llu) -> %lld\n", i + 1,
                  static_cast<unsigned long long>(replies[i].op),
                  static_cast<unsigned long long>(replies[i].arg[0]),
                  static_cast<unsigned long long>(replies[i].arg[1]),
                  static_cast<unsigned long long>(replies[i].arg[2]),
                  static_cast<long long>(replies[i].ret));
    log += line;
  }
  EXPECT_EQ(*status, 0) << "the first wrong reply's number; replies:\n" << log << stderr_text;
  EXPECT_EQ(replies.size(), 48u) << log;
  EXPECT_EQ(stdout_text, "hello");
  EXPECT_EQ(slurp(root / "new.txt"), "hello") << log;

  // Nothing outside root/ changed.
  size_t entries = 0;
  for (const auto& e : fs::directory_iterator(jail)) {
    (void)e;
    ++entries;
  }
  EXPECT_EQ(entries, 2u);
  EXPECT_EQ(slurp(jail / "outside.txt"), "outside");
  std::error_code ec;
  fs::remove_all(jail, ec);
}

}  // namespace
}  // namespace cloister::host::sallyport
