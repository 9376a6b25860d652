// SPDX-License-Identifier: Apache-2.0
//
// The fast path for read and write with direct I/O (entry.S): the keep
// program's busiest calls, sent to the host in a few dozen instructions
// without the general dispatcher. Where the guest's ring 0 is emulated (KVM's
// PVM flavour) every ring-0 instruction costs about a microsecond, and this
// path is a fifth of the general one. Same request, same checks on the reply.
#pragma once

namespace cloister::shim {

// Arms the fast path when the host offers direct I/O (BootInfo.features);
// otherwise read and write take the general path through the block.
void fast_io_init();

}  // namespace cloister::shim
