// SPDX-License-Identifier: Apache-2.0
//
// Stopping a KVM keep: SIGINT, SIGTERM, SIGHUP and SIGQUIT sent to
// `cloister` end the keep with 128 + N, as they end a nil keep. The handlers
// (installed without SA_RESTART) only record the signal; the VMM checks after
// every exit. Three things make sure the check comes soon:
//  - kvm_run.immediate_exit is set by the handler, so a KVM_RUN that starts
//    after the signal returns EINTR at once instead of running the guest;
//  - a host call blocked on the keep's behalf (read, accept, sleep) returns
//    EINTR, and its reply is never shown to the guest;
//  - should the signal land just before such a call blocks, SIGALRM repeats
//    every 10 ms from then on until the keep has ended;
//  - a signal handled by another thread is passed on to the vCPU's thread.
// SIGPIPE is ignored while the keep runs: the keep program ignores it too,
// so a write to a closed pipe is EPIPE for the workload, as on nil.
#pragma once

#include <linux/kvm.h>
#include <signal.h>

namespace cloister::host::kvm {

class StopSignals {
 public:
  StopSignals();
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  // From now on a stop signal also makes KVM_RUN on `run` return at once;
  // call it on the vCPU's thread (signals other threads handle are passed
  // on to it). nullptr stops watching.
  void watch(kvm_run* run);
  // The first stop signal received, or 0.
  static int received();

 private:
  static constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGALRM};
  struct sigaction old_[sizeof(kSignals) / sizeof(int)]{};
};

}  // namespace cloister::host::kvm
