// SPDX-License-Identifier: Apache-2.0
//
// The hostile-host test of issue 5, end to end: a real KVM keep (the shim,
// the keep program, a wasm workload) whose host corrupts sallyport replies
// through KvmOptions::reply_hook. Each lie (an oversized read length, an
// errno out of range, a bogus new fd, a garbage stat buffer) must end the
// keep with kExitKeepFault and "sallyport: protocol violation: <call>:
// <check>", and the workload must never print what the lie would have given
// it. The same probes against an honest host show the workload does get that
// far otherwise. (Addresses cannot be reached this way: the keep accepts
// without asking for one; proxy_test.cc covers sockaddr lies in-process.)
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include "../host/kvm/captured_run.h"
#include "config/keep_config.h"
#include "host/kvm/kvm_backend.h"
#include "host/workload.h"
#include "sallyport/abi.h"

namespace cloister::sallyport {
namespace {

const std::string kKeepProgram = std::string(CLOISTER_BINARY_DIR) + "/cloister-keep";
const std::string kProbe =
    std::string(CLOISTER_BINARY_DIR) + "/tests/sallyport/programs/hostile_probe.wasm";

// What the workload reads from stdin, and the size of the file it stats:
// the hooks recognise the workload's own calls by them.
constexpr char kSecret[] = "secret-from-the-host";
constexpr int64_t kFileSize = 12345;

using Hook = std::function<void(Header*, uint8_t*)>;

struct KeepRun {
  int status = -1;
  std::string out, err;
};

class KvmHostileHostTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (auto usable = host::kvm_usable(); !usable) {
      GTEST_SKIP() << "kvm backend not usable here: " << usable.error().message();
    }
    if (auto keep = host::check_keep_program(kKeepProgram); !keep) {
      GTEST_SKIP() << keep.error().message();
    }
    if (!std::filesystem::exists(kProbe)) {
      GTEST_SKIP() << kProbe << " was not built (no wasm32-wasi C toolchain)";
    }
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("cloister-hostile-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    std::ofstream(dir_ / "file") << std::string(kFileSize, 'f');
  }

  void TearDown() override {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  // Runs the probe `what` with /data granted; `hook` (if any) corrupts
  // replies. Output is collected through pipes (small: the probe prints a
  // line or two).
  KeepRun run(const std::string& what, Hook hook) {
    KeepRun r;
    config::KeepConfig cfg = config::default_config();
    config::FileEntry dir;
    dir.kind = config::FileKind::Dir;
    dir.host_path = dir_.string();
    dir.guest_path = "/data";
    dir.name = "/data";
    cfg.files.push_back(dir);
    auto workload = host::prepare_workload(kProbe, cfg, {what});
    EXPECT_TRUE(workload) << workload.error().message();
    if (!workload) return r;

    host::KvmOptions options;
    options.memory_bytes = uint64_t{256} << 20;
    if (hook) {
      options.reply_hook = [hook](uint8_t* block) {
        hook(reinterpret_cast<Header*>(block), block);
      };
    }
    host::kvm_testing::Capture capture;
    capture.stdin_text = kSecret;
    host::kvm_testing::CapturedRun c =
        host::kvm_testing::run_captured(options, capture, [&](const host::KvmOptions& o) {
          return host::run_kvm(kKeepProgram, std::move(*workload), o);
        });
    EXPECT_TRUE(c.status) << c.status.error().message();
    if (c.status) r.status = *c.status;
    r.out = std::move(c.out);
    r.err = std::move(c.err);
    return r;
  }

  // The lie must end the keep with the named check, after "start" and
  // before anything the workload would print with the bad data.
  void expect_violation(const KeepRun& r, const std::string& call_and_check) {
    EXPECT_EQ(r.status, host::kExitKeepFault) << r.err;
    EXPECT_NE(r.err.find("cloister: sallyport: protocol violation: " + call_and_check + "\n"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(r.out, "start\n");
  }

  std::filesystem::path dir_;
};

// The bytes the host wrote at block offset `off`, if the range is inside.
bool block_has(const uint8_t* block, uint64_t off, const char* text, size_t len) {
  return off >= kDataOffset && off < kBlockSize && len <= kBlockSize - off &&
         std::memcmp(block + off, text, len) == 0;
}

// Reads of the workload's stdin, recognised by their length (the secret is
// all the host has to give; the keep's own reads are of other sizes). With
// direct I/O (kOpDirect) the data goes straight to the program's buffer, so
// the block holds nothing to recognise.
Hook oversized_read() {
  return [](Header* h, uint8_t*) {
    const uint64_t op = h->op & ~kOpDirect;
    const bool a_read = op == SYS_read || op == SYS_readv || op == SYS_pread64 || op == SYS_preadv;
    if (a_read && h->ret == static_cast<int64_t>(std::strlen(kSecret))) {
      // One more than the program asked for: its buffer, or all its iovecs.
      h->ret = op == SYS_read || op == SYS_pread64 ? static_cast<int64_t>(h->arg[2]) + 1
                                                   : int64_t{1} << 40;
    }
  };
}

TEST_F(KvmHostileHostTest, HonestHostLetsEveryProbeFinish) {
  KeepRun r = run("read", nullptr);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "start\nread 20: secret-from-the-host\n");
  r = run("open", nullptr);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.rfind("start\nopened ", 0), 0u) << r.out;
  r = run("stat", nullptr);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "start\nstat 0: mode 100000 size 12345\n");
  r = run("datasync", nullptr);
  EXPECT_EQ(r.out.rfind("start\ndatasync ", 0), 0u) << r.out;
}

TEST_F(KvmHostileHostTest, OversizedReadLength) {
  // The keep reads stdin into one buffer with read (the shim's fast path when
  // the host offers direct I/O); the shim names the program's call.
  expect_violation(run("read", oversized_read()), "read: length larger than asked");
}

TEST_F(KvmHostileHostTest, ErrnoOutOfRange) {
  expect_violation(run("datasync",
                       [](Header* h, uint8_t*) {
                         if (h->op == SYS_fdatasync) h->ret = -4096;
                       }),
                   "fdatasync: errno out of range");
}

TEST_F(KvmHostileHostTest, BogusNewFd) {
  // fd 1 is open already; a host that hands it out again would make the
  // workload write its file data to stdout.
  expect_violation(run("open",
                       [](Header* h, uint8_t*) {
                         if ((h->op == SYS_openat2 || h->op == SYS_openat) && h->ret >= 0) {
                           h->ret = 1;
                         }
                       }),
                   "openat2: new fd already open");  // WASI path_open confines with openat2
}

TEST_F(KvmHostileHostTest, GarbageStat) {
  expect_violation(run("stat",
                       [](Header* h, uint8_t* block) {
                         // The workload's file, recognised by its size (st_size at 48).
                         const int64_t size = kFileSize;
                         if (h->op == SYS_newfstatat && h->ret == 0 &&
                             block_has(block, h->arg[2] + 48, reinterpret_cast<const char*>(&size),
                                       sizeof(size))) {
                           std::memset(block + h->arg[2], 0xff, 144);
                         }
                       }),
                   "newfstatat: invalid file type");
}

}  // namespace
}  // namespace cloister::sallyport
