// SPDX-License-Identifier: Apache-2.0
#include "fake_guest.h"

#include <cstdlib>
#include <cstring>

#include "shim/layout.h"
#include "shim/page_alloc.h"
#include "shim/page_tables.h"
#include "shim/paging.h"

namespace cloister::shim {
namespace {

uint8_t* g_ram = nullptr;
uint64_t g_size = 0;
uint64_t g_flushes = 0;

}  // namespace

// The two functions of paging.cc that the memory code needs, over the fake RAM.
uint8_t* phys(uint64_t gpa) {
  if (g_ram == nullptr || gpa >= g_size) std::abort();  // a wild GPA is a bug in the shim
  return g_ram + gpa;
}

void flush_user_range(uint64_t, uint64_t) {
  ++g_flushes;
}

namespace testing {

FakeGuest::FakeGuest(uint64_t pages) {
  g_size = pages * kPageSize;
  g_ram = static_cast<uint8_t*>(std::aligned_alloc(kPageSize, g_size));
  std::memset(g_ram, 0, g_size);  // the host hands out zeroed memory
  page_alloc_init(16 * kPageSize, g_size);
  set_page_table_root(page_alloc());
}

FakeGuest::~FakeGuest() {
  std::free(g_ram);
  g_ram = nullptr;
  g_size = 0;
}

uint64_t FakeGuest::flushes() {
  return g_flushes;
}

}  // namespace testing
}  // namespace cloister::shim
