// SPDX-License-Identifier: Apache-2.0
//
// The keep program's syscalls (x86-64 Linux numbering), reached from
// syscall_entry in entry.S. Memory, identity and randomness are answered
// here; I/O goes to the host through the sallyport (proxy.h); anything else
// is ENOSYS, logged to the host the first time each number is seen.
#include <asm-generic/errno.h>
#include <asm/unistd_64.h>

#include <cstdint>

#include "shim/host_channel.h"
#include "shim/proxy.h"
#include "shim/sys_memory.h"
#include "shim/sys_process.h"

namespace cloister::shim {
namespace {

constexpr uint64_t kMaxLoggedNr = 1024;
constinit uint64_t logged[kMaxLoggedNr / 64] = {};

// "syscall N is not supported in a KVM keep", once per number.
int64_t unsupported(uint64_t nr) {
  // Numbers past the table share its last bit: a program cannot flood the
  // host's stderr by counting upwards.
  const uint64_t slot = nr < kMaxLoggedNr ? nr : kMaxLoggedNr - 1;
  uint64_t& word = logged[slot / 64];
  const uint64_t bit = uint64_t{1} << (slot % 64);
  if (word & bit) return -ENOSYS;
  word |= bit;
  char text[64] = "syscall ";
  char digits[20];
  int n = 0;
  uint64_t v = nr;
  do {
    digits[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0 && n < 20);
  int len = 8;
  while (n > 0) text[len++] = digits[--n];
  const char* rest = " is not supported in a KVM keep";
  for (const char* p = rest; *p != '\0'; ++p) text[len++] = *p;
  text[len] = '\0';
  host_log(text);
  return -ENOSYS;
}

}  // namespace

extern "C" int64_t syscall_dispatch(uint64_t nr, const uint64_t args[6]) {
  const uint64_t a0 = args[0], a1 = args[1], a2 = args[2], a3 = args[3], a4 = args[4];
  switch (nr) {
    case __NR_brk:
      return sys_brk(a0);
    case __NR_mmap:
      return sys_mmap(a0, a1, a2, a3, a4, args[5]);
    case __NR_munmap:
      return sys_munmap(a0, a1);
    case __NR_mprotect:
      return sys_mprotect(a0, a1, a2);
    case __NR_mremap:
      return sys_mremap(a0, a1, a2, a3, a4);
    case __NR_madvise:
      return sys_madvise(a0, a1, a2);
    case __NR_arch_prctl:
      return sys_arch_prctl(a0, a1);
    case __NR_set_tid_address:
      return sys_set_tid_address(a0);
    case __NR_set_robust_list:
      return sys_set_robust_list(a0, a1);
    // glibc falls back cleanly when the kernel has no rseq.
    case __NR_rseq:
      return -ENOSYS;
    case __NR_rt_sigaction:
      return sys_rt_sigaction(a0, a1, a2, a3);
    case __NR_rt_sigprocmask:
      return sys_rt_sigprocmask(a0, a1, a2, a3);
    case __NR_sigaltstack:
      return sys_sigaltstack(a0, a1);
    case __NR_getpid:
    case __NR_gettid:
      return kKeepPid;
    case __NR_getppid:
      return kKeepParentPid;
    case __NR_getuid:
    case __NR_geteuid:
    case __NR_getgid:
    case __NR_getegid:
      return kKeepUid;
    case __NR_uname:
      return sys_uname(a0);
    case __NR_getrandom:
      return sys_getrandom(a0, a1, a2);
    case __NR_prlimit64:
      return sys_prlimit64(a0, a1, a2, a3);
    case __NR_sched_yield:
      return 0;
    // A keep has no /proc: glibc's static start-up asks for /proc/self/exe
    // (to find its origin) and copes with ENOENT, so this is not logged.
    case __NR_readlink:
      return -ENOENT;
    case __NR_exit:
    case __NR_exit_group:
      host_exit(static_cast<int>(a0 & 0xFF));
    default:
      break;
  }
  if (is_proxied(nr)) return proxy_syscall(nr, args);
  return unsupported(nr);
}

}  // namespace cloister::shim
