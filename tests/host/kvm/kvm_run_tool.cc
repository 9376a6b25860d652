// SPDX-License-Identifier: Apache-2.0
//
// kvm-run: boots the keep program with a module in a KVM keep without the
// CLI, for working on the shim and the sallyport.
//   kvm-run [--shim SHIM.elf] [--memory MiB] [--timings] KEEP_PROGRAM MODULE.wasm [ARGS...]
// Without --shim it boots the shim embedded in the build. Exits with the
// keep's status (as `cloister run --backend kvm` would).
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "base/file.h"
#include "config/keep_config.h"
#include "host/kvm/shim_image.h"
#include "host/kvm/vmm.h"
#include "host/workload.h"

int main(int argc, char** argv) {
  using namespace cloister;
  std::string shim_path;
  uint64_t memory = host::kDefaultKeepMemory;
  bool timings = false;
  int i = 1;
  for (; i < argc && std::strncmp(argv[i], "--", 2) == 0; ++i) {
    if (std::strcmp(argv[i], "--shim") == 0 && i + 1 < argc) {
      shim_path = argv[++i];
    } else if (std::strcmp(argv[i], "--memory") == 0 && i + 1 < argc) {
      memory = std::strtoull(argv[++i], nullptr, 10) << 20;
    } else if (std::strcmp(argv[i], "--timings") == 0) {
      timings = true;
    } else {
      break;
    }
  }
  if (argc - i < 2) {
    std::fprintf(stderr,
                 "usage: kvm-run [--shim SHIM.elf] [--memory MiB] [--timings] KEEP_PROGRAM "
                 "MODULE.wasm [ARGS...]\n");
    return 2;
  }
  const std::string keep_program = argv[i];
  const std::string module = argv[i + 1];
  std::vector<std::string> args(argv + i + 2, argv + argc);

  std::vector<uint8_t> shim_file;
  std::span<const uint8_t> shim = host::kvm::embedded_shim();
  if (!shim_path.empty()) {
    auto read = read_file(shim_path);
    if (!read) {
      std::fprintf(stderr, "kvm-run: %s\n", read.error().message().c_str());
      return 125;
    }
    shim_file = std::move(*read);
    shim = shim_file;
  }
  if (shim.empty()) {
    std::fprintf(stderr, "kvm-run: this build has no shim; pass --shim\n");
    return 125;
  }
  auto workload = host::prepare_workload(module, config::default_config(), args);
  if (!workload) {
    std::fprintf(stderr, "kvm-run: %s\n", workload.error().message().c_str());
    return 125;
  }
  host::KvmOptions options;
  options.memory_bytes = memory;
  host::kvm::VmTimings t;
  auto status = host::kvm::run_vm(shim, keep_program, std::move(*workload), options, &t);
  if (!status) {
    std::fprintf(stderr, "kvm-run: %s\n", status.error().message().c_str());
    return 125;
  }
  if (timings) {
    std::fprintf(stderr,
                 "kvm-run: guest entered %.3f ms, first doorbell %.3f ms, end %.3f ms, %llu "
                 "doorbells (%.3f ms in the sallyport server)\n",
                 t.entry_ns / 1e6, t.first_doorbell_ns / 1e6, t.end_ns / 1e6,
                 static_cast<unsigned long long>(t.doorbells), t.server_ns / 1e6);
  }
  return *status;
}
