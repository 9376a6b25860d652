// SPDX-License-Identifier: Apache-2.0
#include "host/kvm/stop_signals.h"

#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstddef>

namespace cloister::host::kvm {
namespace {

volatile sig_atomic_t g_signal = 0;
std::atomic<kvm_run*> g_run{nullptr};
std::atomic<pid_t> g_vcpu_thread{0};
static_assert(std::atomic<kvm_run*>::is_always_lock_free);
static_assert(std::atomic<pid_t>::is_always_lock_free);

// A signal sent to the process may be handled by any of its threads; only
// one delivered to the vCPU's thread makes its KVM_RUN (or blocked host
// call) return, so another thread passes it on.
void pass_to_vcpu_thread(int sig) {
  const pid_t vcpu = g_vcpu_thread.load(std::memory_order_relaxed);
  if (vcpu != 0 && static_cast<pid_t>(::syscall(SYS_gettid)) != vcpu) {
    ::syscall(SYS_tgkill, ::getpid(), vcpu, sig);
  }
}

void on_stop(int sig) {
  const int saved_errno = errno;
  if (g_signal == 0) g_signal = sig;
  if (kvm_run* run = g_run.load(std::memory_order_relaxed)) run->immediate_exit = 1;
  itimerval every_10ms{};
  every_10ms.it_interval.tv_usec = 10000;
  every_10ms.it_value.tv_usec = 10000;
  ::setitimer(ITIMER_REAL, &every_10ms, nullptr);
  pass_to_vcpu_thread(sig);
  errno = saved_errno;
}

// Only there to interrupt a blocked host call (see the header).
void on_alarm(int sig) {
  const int saved_errno = errno;
  pass_to_vcpu_thread(sig);
  errno = saved_errno;
}

}  // namespace

StopSignals::StopSignals() {
  g_signal = 0;
  g_run.store(nullptr);
  g_vcpu_thread.store(0);
  for (size_t i = 0; i < std::size(kSignals); ++i) {
    struct sigaction sa {};
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;  // no SA_RESTART: blocked calls must return EINTR
    switch (kSignals[i]) {
      case SIGPIPE:
        sa.sa_handler = SIG_IGN;
        break;
      case SIGALRM:
        sa.sa_handler = on_alarm;
        break;
      default:
        sa.sa_handler = on_stop;
        break;
    }
    ::sigaction(kSignals[i], &sa, &old_[i]);
  }
}

StopSignals::~StopSignals() {
  sigset_t all, old_mask;
  sigfillset(&all);
  ::sigprocmask(SIG_BLOCK, &all, &old_mask);
  itimerval off{};
  ::setitimer(ITIMER_REAL, &off, nullptr);
  // Ignoring a signal discards it if pending: a last SIGALRM must not reach
  // the previous (default: terminate) disposition.
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGALRM, &ignore, nullptr);
  g_run.store(nullptr);
  g_vcpu_thread.store(0);
  for (size_t i = 0; i < std::size(kSignals); ++i) ::sigaction(kSignals[i], &old_[i], nullptr);
  ::sigprocmask(SIG_SETMASK, &old_mask, nullptr);
}

void StopSignals::watch(kvm_run* run) {
  g_vcpu_thread.store(run != nullptr ? static_cast<pid_t>(::syscall(SYS_gettid)) : 0);
  g_run.store(run);
}

int StopSignals::received() {
  return g_signal;
}

}  // namespace cloister::host::kvm
