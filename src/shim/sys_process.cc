// SPDX-License-Identifier: Apache-2.0
#include "shim/sys_process.h"

#include <asm-generic/errno.h>
#include <asm/prctl.h>
#include <linux/random.h>
#include <linux/resource.h>

#include <cstring>

#include "shim/layout.h"
#include "shim/random.h"
#include "shim/user_access.h"
#include "shim/x86.h"

namespace cloister::shim {
namespace {

constexpr uint64_t kMaxSignal = 64;
constexpr uint64_t kSigKill = 9;
constexpr uint64_t kSigStop = 19;
constexpr uint64_t kSigsetSize = 8;

// The kernel's struct sigaction for x86-64: handler, flags, restorer, mask.
struct KernelSigaction {
  uint64_t handler, flags, restorer, mask;
};

// What the keep program asked for, kept so it reads back what it set. No
// signal is ever delivered (nothing in a keep raises one).
constinit KernelSigaction actions[kMaxSignal + 1] = {};
constinit uint64_t blocked_mask = 0;
constinit uint8_t altstack[24] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0};  // ss_flags = SS_DISABLE
constinit uint64_t fs_base = 0;

}  // namespace

int64_t sys_arch_prctl(uint64_t code, uint64_t addr) {
  switch (code) {
    case ARCH_SET_FS:
      // A non-canonical base would make WRMSR fault in the shim.
      if (addr >= kUserTop) return -EPERM;
      fs_base = addr;
      x86::wrmsr(x86::kMsrFsBase, addr);
      return 0;
    case ARCH_GET_FS:
      return copy_to_user(addr, &fs_base, sizeof(fs_base)) ? 0 : -EFAULT;
    default:
      return -EINVAL;
  }
}

int64_t sys_set_tid_address(uint64_t) {
  // The clear-child-tid word matters only when a thread exits and another
  // waits for it; a keep has one thread.
  return kKeepPid;
}

int64_t sys_set_robust_list(uint64_t, uint64_t len) {
  return len == 24 ? 0 : -EINVAL;  // sizeof(struct robust_list_head)
}

int64_t sys_rt_sigaction(uint64_t sig, uint64_t act, uint64_t oldact, uint64_t sigsetsize) {
  if (sigsetsize != kSigsetSize || sig == 0 || sig > kMaxSignal) return -EINVAL;
  KernelSigaction next;
  if (act != 0) {
    if (sig == kSigKill || sig == kSigStop) return -EINVAL;
    if (!copy_from_user(&next, act, sizeof(next))) return -EFAULT;
  }
  if (oldact != 0 && !copy_to_user(oldact, &actions[sig], sizeof(actions[sig]))) return -EFAULT;
  if (act != 0) actions[sig] = next;
  return 0;
}

int64_t sys_rt_sigprocmask(uint64_t how, uint64_t set, uint64_t oldset, uint64_t sigsetsize) {
  if (sigsetsize != kSigsetSize) return -EINVAL;
  uint64_t mask = 0;
  if (set != 0 && !copy_from_user(&mask, set, sizeof(mask))) return -EFAULT;
  if (oldset != 0 && !copy_to_user(oldset, &blocked_mask, sizeof(blocked_mask))) return -EFAULT;
  if (set == 0) return 0;
  const uint64_t unblockable = (uint64_t{1} << (kSigKill - 1)) | (uint64_t{1} << (kSigStop - 1));
  switch (how) {
    case 0:
      blocked_mask |= mask;
      break;  // SIG_BLOCK
    case 1:
      blocked_mask &= ~mask;
      break;  // SIG_UNBLOCK
    case 2:
      blocked_mask = mask;
      break;  // SIG_SETMASK
    default:
      return -EINVAL;
  }
  blocked_mask &= ~unblockable;
  return 0;
}

int64_t sys_sigaltstack(uint64_t ss, uint64_t old_ss) {
  uint8_t next[sizeof(altstack)];
  if (ss != 0 && !copy_from_user(next, ss, sizeof(next))) return -EFAULT;
  if (old_ss != 0 && !copy_to_user(old_ss, altstack, sizeof(altstack))) return -EFAULT;
  if (ss != 0) std::memcpy(altstack, next, sizeof(altstack));
  return 0;
}

int64_t sys_uname(uint64_t buf) {
  // struct utsname: six 65-byte fields. A fixed record: the keep learns
  // nothing about the host. The release is a plausible Linux version so
  // libraries that parse it are content; the version names the shim.
  constexpr uint64_t kField = 65;
  char u[6 * kField] = {};
  const char* fields[6] = {"Linux", "keep", "6.1.0", "cloister-shim", "x86_64", "(none)"};
  for (int i = 0; i < 6; ++i) std::memcpy(u + i * kField, fields[i], std::strlen(fields[i]));
  return copy_to_user(buf, u, sizeof(u)) ? 0 : -EFAULT;
}

int64_t sys_getrandom(uint64_t buf, uint64_t len, uint64_t flags) {
  if ((flags & ~uint64_t{GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE}) != 0) return -EINVAL;
  if ((flags & GRND_RANDOM) && (flags & GRND_INSECURE)) return -EINVAL;
  // Linux caps one call at 32 MiB - 1; callers loop on a short count.
  constexpr uint64_t kMax = (uint64_t{1} << 25) - 1;
  if (len > kMax) len = kMax;
  uint8_t chunk[256];
  for (uint64_t done = 0; done < len;) {
    const uint64_t n = len - done < sizeof(chunk) ? len - done : sizeof(chunk);
    random_fill(chunk, n);
    if (!copy_to_user(buf + done, chunk, n)) {
      std::memset(chunk, 0, sizeof(chunk));
      return done > 0 ? static_cast<int64_t>(done) : -EFAULT;
    }
    done += n;
  }
  std::memset(chunk, 0, sizeof(chunk));  // no copy of the keep's random bytes stays behind
  return static_cast<int64_t>(len);
}

int64_t sys_prlimit64(uint64_t pid, uint64_t resource, uint64_t new_limit, uint64_t old_limit) {
  if (pid != 0 && pid != static_cast<uint64_t>(kKeepPid)) return -ESRCH;
  if (resource >= RLIM_NLIMITS) return -EINVAL;
  // The shim's limits are fixed by its design; the keep cannot change them.
  if (new_limit != 0) return -EPERM;
  if (old_limit == 0) return 0;
  const uint64_t infinity = ~uint64_t{0};
  uint64_t value[2] = {infinity, infinity};
  if (resource == RLIMIT_STACK) value[0] = value[1] = kUserStackSize;
  if (resource == RLIMIT_NOFILE) value[0] = value[1] = 1024;  // sallyport::kMaxFds
  if (resource == RLIMIT_NPROC) value[0] = value[1] = 1;
  if (resource == RLIMIT_CORE || resource == RLIMIT_MEMLOCK) value[0] = value[1] = 0;
  return copy_to_user(old_limit, value, sizeof(value)) ? 0 : -EFAULT;
}

}  // namespace cloister::shim
