// SPDX-License-Identifier: Apache-2.0
//
// Guest RAM for host-side tests of the shim's memory code: a page-aligned
// buffer that phys() maps GPAs into, a page allocator over it and an empty
// PML4, so the real page-table, allocator, mmap and user-access code runs
// unchanged (only the privileged instructions are left out).
#pragma once

#include <cstdint>
#include <memory>

namespace cloister::shim::testing {

class FakeGuest {
 public:
  // `pages` of guest RAM; the allocator gets all but the first 16.
  explicit FakeGuest(uint64_t pages);
  ~FakeGuest();
  FakeGuest(const FakeGuest&) = delete;
  FakeGuest& operator=(const FakeGuest&) = delete;

  // How many times the code asked for a TLB flush.
  static uint64_t flushes();
};

}  // namespace cloister::shim::testing
