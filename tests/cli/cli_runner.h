// SPDX-License-Identifier: Apache-2.0
//
// Runs build/cloister as a user would and captures its exit code, stdout and
// stderr.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace cloister::testing {

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

inline std::filesystem::path cloister_binary() {
  return std::filesystem::path(CLOISTER_BINARY_DIR) / "cloister";
}

// With CLOISTER_TEST_BACKEND set (ctest runs some suites once per backend),
// `run` commands that name no backend get `--backend <it>`.
inline std::vector<std::string> with_test_backend(std::vector<std::string> args) {
  const char* backend = std::getenv("CLOISTER_TEST_BACKEND");
  if (backend == nullptr || args.empty() || args[0] != "run") return args;
  for (const auto& a : args) {
    if (a == "--backend") return args;
  }
  args.insert(args.begin() + 1, {"--backend", backend});
  return args;
}

// Runs build/cloister with `stdin_path` as its standard input ("" = inherit).
inline RunResult run_cloister_with_stdin(std::vector<std::string> args,
                                         const std::filesystem::path& stdin_path) {
  args = with_test_backend(std::move(args));
  static int counter = 0;
  const auto err_path =
      std::filesystem::temp_directory_path() /
      ("cloister-cli-test-" + std::to_string(getpid()) + "-" + std::to_string(counter++) + ".err");
  std::string cmd = shell_quote(cloister_binary().string());
  for (const auto& a : args) cmd += " " + shell_quote(a);
  cmd += " 2>" + shell_quote(err_path.string());
  if (!stdin_path.empty()) cmd += " <" + shell_quote(stdin_path.string());
  RunResult r;
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) r.out.append(buf, n);
  const int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream err(err_path);
  std::stringstream ss;
  ss << err.rdbuf();
  r.err = ss.str();
  std::filesystem::remove(err_path);
  return r;
}

inline RunResult run_cloister(const std::vector<std::string>& args) {
  return run_cloister_with_stdin(args, {});
}

inline std::string slurp_and_remove(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::filesystem::remove(path);
  return ss.str();
}

// build/cloister running in the background (a server, say), with stdin from
// /dev/null and stdout/stderr collected in files until stop(). It runs in its
// own process group so that stop() also ends any process it started (the
// keep).
class BackgroundCloister {
 public:
  explicit BackgroundCloister(const std::vector<std::string>& args) {
    static int counter = 0;
    const std::string base =
        (std::filesystem::temp_directory_path() /
         ("cloister-bg-test-" + std::to_string(getpid()) + "-" + std::to_string(counter++)))
            .string();
    out_path_ = base + ".out";
    err_path_ = base + ".err";
    std::vector<std::string> argv = {cloister_binary().string()};
    const std::vector<std::string> with_backend = with_test_backend(args);
    argv.insert(argv.end(), with_backend.begin(), with_backend.end());
    std::vector<char*> cargv;
    for (auto& a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    pid_ = fork();
    if (pid_ == 0) {
      setpgid(0, 0);
      if (freopen("/dev/null", "r", stdin) == nullptr ||
          freopen(out_path_.c_str(), "w", stdout) == nullptr ||
          freopen(err_path_.c_str(), "w", stderr) == nullptr) {
        _exit(126);
      }
      execv(cargv[0], cargv.data());
      _exit(127);
    }
    if (pid_ > 0) setpgid(pid_, pid_);
  }
  ~BackgroundCloister() { stop(); }
  BackgroundCloister(const BackgroundCloister&) = delete;
  BackgroundCloister& operator=(const BackgroundCloister&) = delete;

  bool started() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  // What it has written to stdout so far.
  std::string out_so_far() const {
    std::ifstream in(out_path_);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  // False once the process has exited (its result is then kept for stop()).
  bool running() {
    if (pid_ <= 0 || exited_) return false;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) record(status);
    return !exited_;
  }

  // Ends the process group (SIGTERM, then SIGKILL after 5 s) unless it has
  // already exited, and returns its exit code (-1 when a signal ended it)
  // and output.
  RunResult stop() {
    if (pid_ <= 0) return result_;
    if (running()) {
      kill(-pid_, SIGTERM);
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
      while (running() && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      if (!exited_) {
        kill(-pid_, SIGKILL);
        int status = 0;
        if (waitpid(pid_, &status, 0) == pid_) record(status);
      }
    }
    kill(-pid_, SIGKILL);  // whatever it left behind in its group
    pid_ = -1;
    result_.out = slurp_and_remove(out_path_);
    result_.err = slurp_and_remove(err_path_);
    return result_;
  }

 private:
  void record(int status) {
    exited_ = true;
    result_.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  pid_t pid_ = -1;
  bool exited_ = false;
  RunResult result_;
  std::string out_path_;
  std::string err_path_;
};

}  // namespace cloister::testing
