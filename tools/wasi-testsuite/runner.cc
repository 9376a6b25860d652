// SPDX-License-Identifier: Apache-2.0
#include "runner.h"

#include <fstream>
#include <system_error>

#include "keep_toml.h"
#include "process.h"

namespace cloister::wasi_testsuite {
namespace fs = std::filesystem;

namespace {

// A short, quoted excerpt for failure messages.
std::string excerpt(std::string_view s) {
  constexpr size_t kMax = 120;
  std::string out;
  for (const char c : s.substr(0, kMax)) {
    if (c == '\n') {
      out += "\\n";
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += '?';
    } else {
      out += c;
    }
  }
  return "\"" + out + (s.size() > kMax ? "...\"" : "\"");
}

std::string describe_end(const ProcessResult& r) {
  if (r.timed_out) return "timed out";
  if (r.signal != 0) return "killed by signal " + std::to_string(r.signal);
  return "exit code " + std::to_string(r.exit_code);
}

Outcome judge(const TestCase& test, const ProcessResult& r) {
  Outcome o;
  o.out = r.out;
  o.err = r.err;
  if (r.timed_out || r.signal != 0 || r.exit_code != test.exit_code) {
    o.reason = describe_end(r) + ", expected " + std::to_string(test.exit_code);
    // cloister's own one-line diagnosis (trap, config error) says most.
    if (!r.err.empty()) o.reason += "; stderr " + excerpt(r.err);
    return o;
  }
  if (test.stdout_prefix && !r.out.starts_with(*test.stdout_prefix)) {
    o.reason = "stdout " + excerpt(r.out) + " does not start with " + excerpt(*test.stdout_prefix);
    return o;
  }
  if (test.stderr_prefix && !r.err.starts_with(*test.stderr_prefix)) {
    o.reason = "stderr " + excerpt(r.err) + " does not start with " + excerpt(*test.stderr_prefix);
    return o;
  }
  o.passed = true;
  return o;
}

// The shared testdata is read-only, and fs::copy keeps permissions; the
// tests write into their copy (as a non-root user too), so the copy's owner
// gets write access. Symlinks are neither followed nor changed.
std::error_code make_writable(const fs::path& root) {
  std::error_code ec;
  fs::permissions(root, fs::perms::owner_all, fs::perm_options::add, ec);
  if (ec) return ec;
  for (auto it = fs::recursive_directory_iterator(root, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_symlink(ec)) continue;
    const auto add = it->is_directory(ec) ? fs::perms::owner_all
                                          : fs::perms::owner_read | fs::perms::owner_write;
    fs::permissions(it->path(), add, fs::perm_options::add | fs::perm_options::nofollow, ec);
  }
  return ec;
}

}  // namespace

Outcome run_test(const TestCase& test, const RunOptions& options) {
  Outcome o;
  std::error_code ec;
  std::string name = test.id;
  for (char& c : name) {
    if (c == '/') c = '_';
  }
  const fs::path scratch = options.work_dir / name;
  fs::remove_all(scratch, ec);  // never follows symlinks
  fs::create_directories(scratch, ec);
  if (ec) {
    o.reason = "cannot create " + scratch.string() + ": " + ec.message();
    return o;
  }
  std::optional<fs::path> root_copy;
  if (test.root) {
    root_copy = scratch / "root";
    fs::copy(*test.root, *root_copy, fs::copy_options::recursive | fs::copy_options::copy_symlinks,
             ec);
    if (!ec) ec = make_writable(*root_copy);
    if (ec) {
      o.reason = "cannot copy fixture " + test.root->string() + ": " + ec.message();
      return o;
    }
  }
  const fs::path toml = scratch / "Cloister.toml";
  {
    std::ofstream f(toml);
    f << keep_toml(test, root_copy);
    if (!f) {
      o.reason = "cannot write " + toml.string();
      return o;
    }
  }
  std::vector<std::string> argv = {options.cloister.string(), "run"};
  argv.insert(argv.end(), options.extra_args.begin(), options.extra_args.end());
  argv.insert(argv.end(), {"--config", toml.string(), test.wasm.string()});
  auto result = run_process(argv, options.timeout);
  if (!result) {
    o.reason = result.error().message();
  } else {
    o = judge(test, *result);
  }
  fs::remove_all(scratch, ec);
  return o;
}

}  // namespace cloister::wasi_testsuite
