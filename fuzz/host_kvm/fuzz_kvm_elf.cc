// SPDX-License-Identifier: Apache-2.0
//
// The VMM's ELF reading (the shim image and the keep program, which is the
// user's file): parsing must never read outside the input, and whatever it
// accepts must describe bytes inside the input; placing an accepted image
// as the shim must either refuse it or write only inside the shim's region.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <span>

#include "host/kvm/boot_state.h"
#include "host/kvm/elf_image.h"
#include "host/kvm/guest_memory.h"
#include "host/kvm/keep_check.h"
#include "sallyport/boot.h"

namespace {

namespace boot = cloister::sallyport::boot;
using cloister::host::kvm::GuestMemory;

// One guest memory for every input (mapping 32 MiB per run would dominate),
// with a canary page on each side of the shim's region.
GuestMemory& memory() {
  static GuestMemory* m = [] {
    auto created = GuestMemory::create(cloister::host::kvm::kMinGuestMemory);
    if (!created) std::abort();
    return new GuestMemory(std::move(*created));
  }();
  return *m;
}

constexpr uint8_t kCanary = 0xa5;
constexpr size_t kCanaryBytes = 4096;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> file(data, size);
  auto image = cloister::host::kvm::parse_elf(file, "input");
  const bool static_ok = static_cast<bool>(cloister::host::kvm::check_static_keep(file, "input"));
  if (!image) {
    if (static_ok) std::abort();  // the keep check parses the same way
    return 0;
  }
  if (static_ok == image->has_interp) std::abort();
  for (const auto& seg : image->loads) {
    if (seg.file_bytes.size() > seg.memsz) std::abort();
    if (!seg.file_bytes.empty() && (seg.file_bytes.data() < data ||
                                    seg.file_bytes.data() + seg.file_bytes.size() > data + size)) {
      std::abort();
    }
  }
  GuestMemory& m = memory();
  std::memset(m.base() + boot::kShimGpa - kCanaryBytes, kCanary, kCanaryBytes);
  std::memset(m.base() + boot::kShimEnd, kCanary, kCanaryBytes);
  (void)cloister::host::kvm::load_shim(m, *image);
  for (size_t i = 0; i < kCanaryBytes; ++i) {
    if (m.base()[boot::kShimGpa - kCanaryBytes + i] != kCanary) std::abort();
    if (m.base()[boot::kShimEnd + i] != kCanary) std::abort();
  }
  return 0;
}
