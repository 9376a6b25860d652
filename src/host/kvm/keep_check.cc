// SPDX-License-Identifier: Apache-2.0
#include "host/kvm/keep_check.h"

#include "host/kvm/elf_image.h"

namespace cloister::host::kvm {

Result<void> check_static_keep(std::span<const uint8_t> file, const std::string& path) {
  CLOISTER_TRY_ASSIGN(const ElfImage image, parse_elf(file, path));
  if (image.has_interp) {
    return fail(path,
                " is dynamically linked (a sanitizer build?); the kvm backend needs the static "
                "keep program");
  }
  return ok();
}

}  // namespace cloister::host::kvm
