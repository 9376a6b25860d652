// SPDX-License-Identifier: Apache-2.0
//
// spec-run: runs the official WebAssembly spec test suite (wast2json output)
// against the engine and prints one line per file and the total
//   N passed, M failed, K skipped
// Exit status: 0 when nothing failed, 1 otherwise, 77 when the default test
// data is absent (ctest's SKIP_RETURN_CODE), 2 on usage errors.
//
// Each file runs in a child process by default, so that an engine crash or
// hang in one file is reported as that file's failure and the run goes on.

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/file.h"
#include "runner.h"
#include "script.h"

namespace fs = std::filesystem;
using namespace cloister;
using namespace cloister::specrun;

namespace {

constexpr int kExitSkip = 77;
constexpr int kExitUsage = 2;
constexpr size_t kFailuresShownPerFile = 10;

struct Options {
  bool all = false;
  bool verbose = false;
  bool fork_per_file = true;
  unsigned timeout_seconds = 600;
  std::string testdata;
  std::vector<std::string> inputs;
  RunOptions run;
};

struct Counts {
  uint64_t passed = 0, failed = 0, skipped = 0, mismatches = 0;
  void add(const Counts& o) {
    passed += o.passed;
    failed += o.failed;
    skipped += o.skipped;
    mismatches += o.mismatches;
  }
};

void usage() {
  std::fprintf(stderr,
               "usage: spec-run [options] [FILE.json | DIR]...\n"
               "Runs wast2json scripts of the WebAssembly spec suite. Without inputs: every\n"
               "non-SIMD file of $CLOISTER_TESTDATA_DIR/wasm-spec/json (see files.tsv).\n"
               "  --all              include the SIMD files (simd column of files.tsv)\n"
               "  -v, --verbose      print every failure (default: the first %zu per file)\n"
               "                     and every message mismatch\n"
               "  --strict-messages  fail assert_invalid/malformed/unlinkable whose message\n"
               "                     lacks the reference text\n"
               "  --fuel N           instruction budget per action (default 100000000)\n"
               "  --timeout S        seconds per file before it counts as hung (default 600)\n"
               "  --no-fork          run files in this process (for debugging)\n"
               "  --print-spectest   let spectest.print* write to stdout\n"
               "  --testdata DIR     test data folder (default $CLOISTER_TESTDATA_DIR or the\n"
               "                     build's configured one)\n",
               kFailuresShownPerFile);
}

std::optional<uint64_t> parse_number(const char* s) {
  char* end = nullptr;
  errno = 0;
  unsigned long long v = std::strtoull(s, &end, 10);
  if (errno != 0 || end == s || *end != '\0') return std::nullopt;
  return v;
}

bool parse_args(int argc, char** argv, Options* out) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    if (a == "--all") {
      out->all = true;
    } else if (a == "-v" || a == "--verbose") {
      out->verbose = true;
    } else if (a == "--strict-messages") {
      out->run.strict_messages = true;
    } else if (a == "--no-fork") {
      out->fork_per_file = false;
    } else if (a == "--print-spectest") {
      out->run.print_spectest = true;
    } else if (a == "--fuel" || a == "--timeout") {
      const char* v = value();
      auto n = v ? parse_number(v) : std::nullopt;
      if (!n) {
        std::fprintf(stderr, "spec-run: %s needs a number\n", a.c_str());
        return false;
      }
      if (a == "--fuel")
        out->run.fuel = *n;
      else
        out->timeout_seconds = static_cast<unsigned>(std::min<uint64_t>(*n, 86400));
    } else if (a == "--testdata") {
      const char* v = value();
      if (!v) {
        std::fprintf(stderr, "spec-run: --testdata needs a folder\n");
        return false;
      }
      out->testdata = v;
    } else if (a == "-h" || a == "--help") {
      usage();
      std::exit(0);
    } else if (!a.empty() && a[0] == '-') {
      std::fprintf(stderr, "spec-run: unknown option %s\n", a.c_str());
      return false;
    } else {
      out->inputs.push_back(a);
    }
  }
  return true;
}

std::string default_testdata() {
  if (const char* env = std::getenv("CLOISTER_TESTDATA_DIR"); env && *env) return env;
  return CLOISTER_TESTDATA_DIR;
}

// name -> is SIMD, from files.tsv (columns name, commands, modules, simd).
std::map<std::string, bool> read_simd_table(const fs::path& tsv) {
  std::map<std::string, bool> table;
  auto text = read_text_file(tsv.string(), 1 << 20);
  if (!text) return table;
  size_t pos = 0;
  bool header = true;
  while (pos < text->size()) {
    size_t end = text->find('\n', pos);
    if (end == std::string::npos) end = text->size();
    std::string line = text->substr(pos, end - pos);
    pos = end + 1;
    if (header) {
      header = false;
      continue;
    }
    std::vector<std::string> cols;
    size_t start = 0;
    for (;;) {
      size_t tab = line.find('\t', start);
      cols.push_back(
          line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
      if (tab == std::string::npos) break;
      start = tab + 1;
    }
    if (cols.size() >= 4) table[cols[0]] = cols[3].rfind("yes", 0) == 0;
  }
  return table;
}

// Looks for files.tsv in `dir` and its two parents (json/<name>/ sits below it).
std::map<std::string, bool> find_simd_table(const fs::path& dir) {
  fs::path p = dir;
  for (int i = 0; i < 3 && !p.empty(); ++i) {
    std::error_code ec;
    if (fs::exists(p / "files.tsv", ec)) return read_simd_table(p / "files.tsv");
    p = p.parent_path();
  }
  return {};
}

bool is_simd(const std::map<std::string, bool>& table, const std::string& name) {
  auto it = table.find(name);
  if (it != table.end()) return it->second;
  return name.rfind("simd_", 0) == 0;
}

// Collects the JSON scripts to run, sorted; false on a missing input.
bool collect_inputs(const Options& o, std::vector<fs::path>* out) {
  for (const std::string& input : o.inputs) {
    std::error_code ec;
    fs::path p(input);
    if (fs::is_regular_file(p, ec)) {
      out->push_back(p);
      continue;
    }
    if (!fs::is_directory(p, ec)) {
      std::fprintf(stderr, "spec-run: %s: no such file or folder\n", input.c_str());
      return false;
    }
    auto table = find_simd_table(fs::absolute(p, ec));
    std::vector<fs::path> found;
    for (auto it = fs::recursive_directory_iterator(p, ec); !ec && it != fs::end(it);
         it.increment(ec)) {
      if (!it->is_regular_file(ec) || it->path().extension() != ".json") continue;
      if (!o.all && is_simd(table, it->path().stem().string())) continue;
      found.push_back(it->path());
    }
    std::sort(found.begin(), found.end());
    out->insert(out->end(), found.begin(), found.end());
  }
  return true;
}

struct FileReport {
  Counts counts;
  std::vector<std::string> failures;
  std::vector<std::string> notes;
};

std::string location(const std::string& name, const CommandResult& r) {
  return name + ".wast:" + std::to_string(r.command->line) + ": " + to_string(r.command->type);
}

// Runs one parsed script; `on_result` gets 'P', 'F' or 'S' after each command.
void run_one(const Script& script, const fs::path& json, const Options& o,
             const std::function<void(char)>& on_result, FileReport* report) {
  const std::string name = json.stem().string();
  run_script(script, json.parent_path().string(), o.run, [&](const CommandResult& r) {
    char code = 'P';
    switch (r.verdict) {
      case Verdict::Passed:
        ++report->counts.passed;
        break;
      case Verdict::Failed:
        ++report->counts.failed;
        code = 'F';
        report->failures.push_back(location(name, r) + ": " + r.detail);
        break;
      case Verdict::Skipped:
        ++report->counts.skipped;
        code = 'S';
        break;
    }
    if (r.message_mismatch) {
      ++report->counts.mismatches;
      if (r.verdict != Verdict::Failed) {
        report->notes.push_back(location(name, r) + ": note: " + r.detail);
      }
    }
    on_result(code);
  });
}

void print_details(const FileReport& report, const Options& o) {
  size_t shown = 0;
  for (const std::string& f : report.failures) {
    if (!o.verbose && shown == kFailuresShownPerFile) break;
    std::printf("  %s\n", f.c_str());
    ++shown;
  }
  if (shown < report.failures.size()) {
    std::printf("  ... and %zu more failures (-v shows all)\n", report.failures.size() - shown);
  }
  if (o.verbose) {
    for (const std::string& n : report.notes) std::printf("  %s\n", n.c_str());
  }
}

// Runs a file in a child process. The child prints its details itself and
// streams one byte per command ('P'/'F'/'S', 'M' for a message mismatch) to
// the parent, so the parent can count what ran before a crash or hang.
Counts run_forked(const Script& script, const fs::path& json, const Options& o) {
  Counts counts;
  int fds[2];
  std::fflush(stdout);
  std::fflush(stderr);
  if (pipe(fds) != 0) {
    std::printf("  %s: pipe failed: %s\n", json.stem().c_str(), std::strerror(errno));
    counts.failed = std::max<size_t>(1, script.commands.size());
    return counts;
  }
  pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    std::printf("  %s: fork failed: %s\n", json.stem().c_str(), std::strerror(errno));
    counts.failed = std::max<size_t>(1, script.commands.size());
    return counts;
  }
  if (pid == 0) {
    close(fds[0]);
    alarm(o.timeout_seconds);
    FileReport report;
    auto send = [&](char c) {
      while (write(fds[1], &c, 1) < 0 && errno == EINTR) {
      }
    };
    run_one(
        script, json, o, [&](char c) { send(c); }, &report);
    for (uint64_t i = 0; i < report.counts.mismatches; ++i) send('M');
    print_details(report, o);
    std::fflush(stdout);
    close(fds[1]);
    _exit(0);
  }
  close(fds[1]);
  size_t received = 0;
  char buf[4096];
  for (;;) {
    ssize_t n = read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    for (ssize_t i = 0; i < n; ++i) {
      switch (buf[i]) {
        case 'P':
          ++counts.passed;
          ++received;
          break;
        case 'F':
          ++counts.failed;
          ++received;
          break;
        case 'S':
          ++counts.skipped;
          ++received;
          break;
        case 'M':
          ++counts.mismatches;
          break;
      }
    }
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
    // Everything that did not report ran into the crash: count it failed.
    size_t rest = script.commands.size() > received ? script.commands.size() - received : 0;
    counts.failed += std::max<size_t>(rest, 1);
    std::string why;
    if (WIFSIGNALED(status)) {
      int sig = WTERMSIG(status);
      why = sig == SIGALRM ? "timed out after " + std::to_string(o.timeout_seconds) + " s"
                           : std::string("crashed (") + strsignal(sig) + ")";
    } else {
      why = "exited with status " + std::to_string(WEXITSTATUS(status));
    }
    std::string at = received < script.commands.size()
                         ? " at line " + std::to_string(script.commands[received].line) + " (" +
                               to_string(script.commands[received].type) + ")"
                         : "";
    std::printf("  %s.wast: %s%s; %zu commands not run counted as failed\n", json.stem().c_str(),
                why.c_str(), at.c_str(), rest);
  }
  return counts;
}

Counts run_file(const fs::path& json, const Options& o) {
  const std::string name = json.stem().string();
  Counts counts;
  auto text = read_text_file(json.string(), size_t{64} << 20);
  Result<Script> script = text ? parse_script(*text) : Result<Script>(Unexpected(text.error()));
  if (!script) {
    std::printf("  %s: cannot read script: %s\n", json.c_str(), script.error().message().c_str());
    counts.failed = 1;
  } else if (o.fork_per_file) {
    counts = run_forked(*script, json, o);
  } else {
    FileReport report;
    run_one(
        *script, json, o, [](char) {}, &report);
    print_details(report, o);
    counts = report.counts;
  }
  std::printf("%s: %llu passed, %llu failed, %llu skipped\n", name.c_str(),
              static_cast<unsigned long long>(counts.passed),
              static_cast<unsigned long long>(counts.failed),
              static_cast<unsigned long long>(counts.skipped));
  std::fflush(stdout);
  return counts;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!parse_args(argc, argv, &o)) {
    usage();
    return kExitUsage;
  }
  if (o.testdata.empty()) o.testdata = default_testdata();
  if (o.inputs.empty()) {
    fs::path json_dir = fs::path(o.testdata) / "wasm-spec" / "json";
    std::error_code ec;
    if (!fs::is_directory(json_dir, ec)) {
      std::printf(
          "spec-run: SKIPPED: the spec test suite is not at %s "
          "(set CLOISTER_TESTDATA_DIR or see scripts/fetch-wasm-spec.sh)\n",
          json_dir.c_str());
      return kExitSkip;
    }
    o.inputs.push_back(json_dir.string());
  }
  std::vector<fs::path> files;
  if (!collect_inputs(o, &files)) return kExitUsage;
  if (files.empty()) {
    std::fprintf(stderr, "spec-run: no .json scripts found\n");
    return kExitUsage;
  }
  Counts total;
  for (const fs::path& f : files) total.add(run_file(f, o));
  if (total.mismatches > 0) {
    std::printf("note: %llu assertions failed as expected but with another message%s\n",
                static_cast<unsigned long long>(total.mismatches),
                o.verbose ? "" : " (-v lists them, --strict-messages fails them)");
  }
  std::printf("%llu passed, %llu failed, %llu skipped\n",
              static_cast<unsigned long long>(total.passed),
              static_cast<unsigned long long>(total.failed),
              static_cast<unsigned long long>(total.skipped));
  return total.failed == 0 ? 0 : 1;
}
