// SPDX-License-Identifier: Apache-2.0
//
// shim_main: from the VMM's entry state (src/sallyport/boot.h) to the keep
// program in ring 3, in the order the hardware needs: descriptor tables
// first (so any fault is reported), then the CPU features, the shim's own
// page tables, the syscall entry, and the keep program.
#include <cstdint>
#include <cstring>

#include "sallyport/boot.h"
#include "shim/boot_info.h"
#include "shim/fast_io.h"
#include "shim/cpu.h"
#include "shim/cpu_tables.h"
#include "shim/host_channel.h"
#include "shim/keep_loader.h"
#include "shim/page_alloc.h"
#include "shim/paging.h"
#include "shim/panic.h"
#include "shim/proxy.h"

namespace cloister::shim {
namespace {

// Up to here the shim runs on the VMM's boot tables, which map only the first
// GiB; its own tables are made from pages just above free_gpa, so those pages
// must lie in that first GiB.
constexpr uint64_t kBootMapped = uint64_t{1} << 30;
constexpr uint64_t kTablesReserve = uint64_t{4} << 20;

}  // namespace

extern "C" [[noreturn]] void shim_main(uint64_t boot_info_gpa) {
  using namespace sallyport::boot;
  cpu_tables_init();
  if (boot_info_gpa != kBootInfoGpa) boot_failure("BootInfo: not at the GPA boot.h names");
  // One copy, checked once: the host could rewrite guest memory at any time.
  BootInfo info;
  std::memcpy(&info, phys(kBootInfoGpa), sizeof(info));
  if (const char* error = check_boot_info(info)) boot_failure(error);
  if (info.free_gpa + kTablesReserve > kBootMapped) {
    boot_failure("BootInfo: free_gpa leaves no room for page tables in the first GiB");
  }
  if (const char* missing = cpu_init()) {
    host_log("the vCPU lacks a feature the shim needs:");
    boot_failure(missing);
  }
  page_alloc_init(info.free_gpa, info.memory_size);
  if (!paging_init(info.memory_size)) boot_failure("out of memory building page tables");
  cpu_protect_supervisor();
  syscall_init();
  record_host_features(info.features);
  proxy_init(info.open_fds);
  fast_io_init();
  start_keep(info);
}

}  // namespace cloister::shim
