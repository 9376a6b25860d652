// SPDX-License-Identifier: Apache-2.0
//
// The memory syscalls, handled entirely inside the shim: brk, mmap, munmap,
// mprotect, mremap, madvise. Anonymous private memory only, and never
// writable and executable at once (W^X).
#pragma once

#include <cstdint>

namespace cloister::shim {

// The program break starts at `brk_start` and may grow to `brk_limit`.
void brk_init(uint64_t brk_start, uint64_t brk_limit);

int64_t sys_brk(uint64_t addr);
int64_t sys_mmap(uint64_t addr, uint64_t len, uint64_t prot, uint64_t flags, uint64_t fd,
                 uint64_t offset);
int64_t sys_munmap(uint64_t addr, uint64_t len);
int64_t sys_mprotect(uint64_t addr, uint64_t len, uint64_t prot);
int64_t sys_mremap(uint64_t old_addr, uint64_t old_len, uint64_t new_len, uint64_t flags,
                   uint64_t new_addr);
int64_t sys_madvise(uint64_t addr, uint64_t len, uint64_t advice);

}  // namespace cloister::shim
