// SPDX-License-Identifier: Apache-2.0
#include "shim/boot_info.h"

#include "sallyport/abi.h"
#include "shim/layout.h"

namespace cloister::shim {
namespace {

constinit uint64_t features_seen = 0;

}  // namespace

void record_host_features(uint64_t features) {
  features_seen = features;
}

uint64_t host_features() {
  return features_seen;
}

const char* check_boot_info(const sallyport::boot::BootInfo& info) {
  using namespace sallyport::boot;
  if (info.magic != kBootMagic) return "BootInfo: bad magic";
  if (info.version != kBootVersion) return "BootInfo: unsupported version";
  if (info.memory_size % (uint64_t{2} << 20) != 0) {
    return "BootInfo: memory_size is not a multiple of 2 MiB";
  }
  if (info.memory_size < kMinMemory) return "BootInfo: memory_size is below 16 MiB";
  if (info.memory_size > kMaxMemory) return "BootInfo: memory_size is above 512 GiB";
  if (info.keep_elf_gpa < kKeepElfGpa || (info.keep_elf_gpa & kPageMask) != 0) {
    return "BootInfo: keep_elf_gpa is not a page at or above 0x800000";
  }
  if (info.keep_elf_size == 0) return "BootInfo: the keep program is empty";
  if (info.keep_elf_size > info.memory_size ||
      info.keep_elf_gpa > info.memory_size - info.keep_elf_size) {
    return "BootInfo: the keep program lies outside guest memory";
  }
  if ((info.free_gpa & kPageMask) != 0 || info.free_gpa < info.keep_elf_gpa + info.keep_elf_size ||
      info.free_gpa >= info.memory_size) {
    return "BootInfo: free_gpa is not a page after the keep program inside guest memory";
  }
  if (info.open_fds > sallyport::kMaxFds) return "BootInfo: open_fds exceeds kMaxFds";
  return nullptr;
}

}  // namespace cloister::shim
