// SPDX-License-Identifier: Apache-2.0
#include "shim/fd_record.h"

namespace cloister::shim {
namespace {

// Zero-initialised plain data in .bss: no constructor runs before boot.
sallyport::FdSet g_open;

}  // namespace

void fd_record_init(uint64_t count) {
  for (uint64_t& word : g_open.bits) word = 0;
  for (uint64_t fd = 0; fd < count && fd < sallyport::kMaxFds; ++fd) g_open.add(fd);
}

const sallyport::FdSet& fd_record() {
  return g_open;
}

void fd_record_add(uint64_t fd) {
  g_open.add(fd);
}

void fd_record_remove(uint64_t fd) {
  g_open.remove(fd);
}

}  // namespace cloister::shim
