// SPDX-License-Identifier: Apache-2.0
#include "shim/stack_growth.h"

#include "shim/address_space.h"
#include "shim/layout.h"

namespace cloister::shim {
namespace {

constinit uint64_t stack_limit = 0;
constinit uint64_t stack_mapped_bottom = 0;

// Each fault maps at least this much more, so a deep call chain costs a few
// faults rather than one per page.
constexpr uint64_t kGrowStep = uint64_t{256} << 10;

constexpr uint64_t kPfPresent = 1;  // the error code's P bit: a protection fault

}  // namespace

void stack_growth_init(uint64_t limit, uint64_t mapped_bottom) {
  stack_limit = limit;
  stack_mapped_bottom = mapped_bottom;
}

extern "C" bool user_page_fault(uint64_t address, uint64_t error_code) {
  if ((error_code & kPfPresent) != 0) return false;
  if (address < stack_limit || address >= stack_mapped_bottom) return false;
  uint64_t bottom = page_down(address);
  if (stack_mapped_bottom - bottom < kGrowStep) {
    bottom = stack_mapped_bottom - kGrowStep < stack_limit ? stack_limit
                                                           : stack_mapped_bottom - kGrowStep;
  }
  const uint64_t len = stack_mapped_bottom - bottom;
  // The program may have put a mapping of its own (MAP_FIXED) into the
  // reserve; then the stack cannot grow and the fault is real.
  if (!range_free(bottom, len)) return false;
  if (!map_zeroed(bottom, len, pte_flags_for_prot(1 | 2))) return false;  // RW, NX
  stack_mapped_bottom = bottom;
  return true;
}

}  // namespace cloister::shim
