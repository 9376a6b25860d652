// SPDX-License-Identifier: Apache-2.0
#include "host/kvm/kvm_backend.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "host/kvm/keep_check.h"
#include "host/kvm/kvm_system.h"
#include "host/kvm/shim_image.h"
#include "host/kvm/vmm.h"

namespace cloister::host {

Result<void> kvm_usable() {
  if (kvm::embedded_shim().empty()) {
    return fail("this build of cloister has no shim to boot (src/shim was empty)");
  }
  CLOISTER_TRY(kvm::KvmSystem::open());
  return ok();
}

Result<void> check_keep_program(const std::string& path) {
  // Mapped rather than read: only the pages holding the headers are touched.
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return fail("cannot open the keep program ", path, ": ", std::strerror(errno));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return fail(path, ": ", std::strerror(errno));
  if (!S_ISREG(st.st_mode) || st.st_size <= 0) {
    return fail("the keep program ", path, " is not a regular, non-empty file");
  }
  const size_t size = static_cast<size_t>(st.st_size);
  void* p = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd.get(), 0);
  if (p == MAP_FAILED) return fail("mapping the keep program ", path, ": ", std::strerror(errno));
  auto checked = kvm::check_static_keep(std::span(static_cast<const uint8_t*>(p), size), path);
  ::munmap(p, size);
  return checked;
}

Result<int> run_kvm(const std::string& keep_program, Workload workload, const KvmOptions& options) {
  const auto shim = kvm::embedded_shim();
  if (shim.empty()) return fail("this build of cloister has no shim to boot (src/shim was empty)");
  return kvm::run_vm(shim, keep_program, std::move(workload), options);
}

}  // namespace cloister::host
