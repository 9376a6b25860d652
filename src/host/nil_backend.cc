// SPDX-License-Identifier: Apache-2.0
#include "host/nil_backend.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <vector>

#include "host/launch_memfd.h"

namespace cloister::host {
namespace {

// While the keep runs, the signals that ask a program to stop (Ctrl-C,
// kill, a closed terminal) are passed on to it, so that stopping `cloister`
// never leaves an orphaned keep holding its sockets; `cloister` itself
// stays to report how the keep ended. The signals are blocked until the
// child's pid is known, so none can slip past between spawn and forwarding.
volatile sig_atomic_t g_keep_pid = 0;

void forward_signal(int sig) {
  const pid_t pid = g_keep_pid;
  if (pid > 0) ::kill(pid, sig);
}

class ForwardStopSignals {
 public:
  static constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

  ForwardStopSignals() {
    sigemptyset(&stop_signals_);
    for (int sig : kSignals) sigaddset(&stop_signals_, sig);
    ::sigprocmask(SIG_BLOCK, &stop_signals_, &old_mask_);
    struct sigaction fwd {};
    fwd.sa_handler = forward_signal;
    sigemptyset(&fwd.sa_mask);
    fwd.sa_flags = SA_RESTART;
    for (size_t i = 0; i < std::size(kSignals); ++i) ::sigaction(kSignals[i], &fwd, &old_[i]);
  }
  // Call once the keep runs (pid > 0) or failed to start (pid = 0).
  void started(pid_t pid) {
    g_keep_pid = pid;
    ::sigprocmask(SIG_SETMASK, &old_mask_, nullptr);
  }
  ~ForwardStopSignals() {
    ::sigprocmask(SIG_BLOCK, &stop_signals_, nullptr);
    g_keep_pid = 0;
    for (size_t i = 0; i < std::size(kSignals); ++i) ::sigaction(kSignals[i], &old_[i], nullptr);
    ::sigprocmask(SIG_SETMASK, &old_mask_, nullptr);
  }

 private:
  sigset_t stop_signals_{};
  sigset_t old_mask_{};
  struct sigaction old_[std::size(kSignals)]{};
};

}  // namespace

Result<int> run_nil(const std::string& keep_program, Workload workload) {
  CLOISTER_TRY_ASSIGN(UniqueFd launch, launch_memfd(keep::encode_launch(workload.launch)));
  workload.launch = {};

  // Every source descriptor is first moved above every target number, so
  // that the dup2 calls in the child can never overwrite one another.
  const int first_free = keep::kLaunchFd + 1 + static_cast<int>(workload.fds.size());
  std::vector<std::pair<UniqueFd, int>> moves;
  auto lift = [&](int fd, int target) -> Result<void> {
    UniqueFd high(::fcntl(fd, F_DUPFD_CLOEXEC, first_free));
    if (!high) return fail("placing descriptors for the keep: ", std::strerror(errno));
    moves.emplace_back(std::move(high), target);
    return ok();
  };
  CLOISTER_TRY(lift(launch.get(), keep::kLaunchFd));
  for (auto& [fd, target] : workload.fds) CLOISTER_TRY(lift(fd.get(), target));
  workload.fds.clear();

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  for (const auto& [fd, target] : moves) {
    posix_spawn_file_actions_adddup2(&actions, fd.get(), target);
  }
  // The child gets default signal dispositions and an unblocked mask.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t all, none;
  sigfillset(&all);
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

  StdioFlagsGuard stdio_flags;
  ForwardStopSignals forward;
  char* argv[] = {const_cast<char*>("cloister-keep"), nullptr};
  char* envp[] = {nullptr};
  pid_t pid = -1;
  const int rc = ::posix_spawn(&pid, keep_program.c_str(), &actions, &attr, argv, envp);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  moves.clear();
  forward.started(rc == 0 ? pid : 0);
  if (rc != 0) return fail("cannot start the keep program ", keep_program, ": ", std::strerror(rc));

  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return fail("waiting for the keep: ", std::strerror(errno));
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    if (sig != SIGINT && sig != SIGTERM && sig != SIGHUP) {
      std::fprintf(stderr, "cloister: the keep was ended by signal %d (%s)\n", sig,
                   ::strsignal(sig));
    }
    return 128 + sig;
  }
  return fail("the keep ended in an unexpected way (wait status ", status, ")");
}

}  // namespace cloister::host
