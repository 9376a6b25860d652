// SPDX-License-Identifier: Apache-2.0
//
// The shim's own record of the keep program's open guest descriptors. The
// host allocates descriptor numbers, but the shim does not take its word for
// them: a "new" fd that the record says is already open is a protocol
// violation (sallyport/checks.h, check_new_fd).
#pragma once

#include <cstdint>

#include "sallyport/checks.h"

namespace cloister::shim {

// Forgets everything and records fds 0 .. count-1 as open (the descriptors
// the host installed before the keep started).
void fd_record_init(uint64_t count);

// The record, for check_new_fd.
const sallyport::FdSet& fd_record();

void fd_record_add(uint64_t fd);
void fd_record_remove(uint64_t fd);

}  // namespace cloister::shim
