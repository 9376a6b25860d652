// SPDX-License-Identifier: Apache-2.0
//
// Reading and writing the keep program's (ring 3) memory from the shim. Every
// pointer the keep program passes in a syscall goes through these: a range
// that is not mapped user memory (or not writable, for copy_to_user) is an
// EFAULT for the program, never a fault in the shim.
#pragma once

#include <cstdint>

namespace cloister::shim {

bool copy_from_user(void* dst, uint64_t user_src, uint64_t n);
bool copy_to_user(uint64_t user_dst, const void* src, uint64_t n);

// Copies a NUL-terminated string of at most `max` bytes including the NUL.
// Returns its length without the NUL, -EFAULT, or -ENAMETOOLONG.
int64_t copy_string_from_user(char* dst, uint64_t user_src, uint64_t max);

}  // namespace cloister::shim
