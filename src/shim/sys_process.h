// SPDX-License-Identifier: Apache-2.0
//
// The process-level syscalls the shim answers itself: identity, uname,
// thread and signal bookkeeping (recorded, never acted on), resource limits,
// randomness and the FS base.
#pragma once

#include <cstdint>

namespace cloister::shim {

int64_t sys_arch_prctl(uint64_t code, uint64_t addr);
int64_t sys_set_tid_address(uint64_t tidptr);
int64_t sys_set_robust_list(uint64_t head, uint64_t len);
int64_t sys_rt_sigaction(uint64_t sig, uint64_t act, uint64_t oldact, uint64_t sigsetsize);
int64_t sys_rt_sigprocmask(uint64_t how, uint64_t set, uint64_t oldset, uint64_t sigsetsize);
int64_t sys_sigaltstack(uint64_t ss, uint64_t old_ss);
int64_t sys_uname(uint64_t buf);
int64_t sys_getrandom(uint64_t buf, uint64_t len, uint64_t flags);
int64_t sys_prlimit64(uint64_t pid, uint64_t resource, uint64_t new_limit, uint64_t old_limit);

// The keep is one process with one thread; these are its numbers.
inline constexpr int64_t kKeepPid = 1;
inline constexpr int64_t kKeepParentPid = 0;
// An ordinary unprivileged user: nothing in the keep should believe it is root.
inline constexpr int64_t kKeepUid = 1000;

// The stack the shim maps for the keep program (also RLIMIT_STACK).
inline constexpr uint64_t kUserStackSize = uint64_t{8} << 20;

}  // namespace cloister::shim
