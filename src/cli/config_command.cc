// SPDX-License-Identifier: Apache-2.0
//
// `cloister config init [PATH] [--force]`: writes the commented Cloister.toml
// template (docs/config.md). Exit codes: 0 written, 1 not written (the file
// exists without --force, or it cannot be written; the reason on stderr).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>

#include "base/result.h"
#include "base/unique_fd.h"
#include "cli/commands.h"
#include "config/keep_config.h"

namespace cloister::cli {

namespace {

struct InitOptions {
  std::string path = "Cloister.toml";
  bool force = false;
};

Result<void> write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(std::strerror(errno));
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return ok();
}

// O_EXCL makes "refuse to overwrite" atomic: no window between a check for
// the file and its creation.
Result<void> write_template(const InitOptions& options) {
  const int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (options.force ? O_TRUNC : O_EXCL);
  UniqueFd fd(::open(options.path.c_str(), flags, 0644));
  if (!fd) {
    const int err = errno;
    struct stat st {};
    const bool is_dir = ::stat(options.path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
    if (is_dir) return fail(options.path, " is a directory; give the path of the file to write");
    if (err == EEXIST) return fail(options.path, " already exists; use --force to overwrite it");
    return fail("cannot create ", options.path, ": ", std::strerror(err));
  }
  if (auto written = write_all(fd.get(), config::config_template()); !written)
    return Unexpected(written.error().with_context("cannot write " + options.path));
  if (::close(fd.release()) != 0)
    return fail("cannot write ", options.path, ": ", std::strerror(errno));
  return ok();
}

int run_init(const InitOptions& options) {
  if (auto written = write_template(options); !written) {
    std::cerr << "cloister config init: error: " << written.error().message() << '\n';
    return 1;
  }
  std::cout << "wrote a Cloister.toml template to " << options.path
            << " (it grants stdin, stdout and stderr; uncomment examples to grant more)\n";
  return 0;
}

}  // namespace

void register_config_commands(CLI::App& app, int* exit_code) {
  CLI::App* config = app.add_subcommand("config", "Work with Cloister.toml workload configs");
  config->require_subcommand(1);

  auto init = std::make_shared<InitOptions>();
  CLI::App* init_cmd =
      config->add_subcommand("init", "Write a commented Cloister.toml template (docs/config.md)");
  init_cmd->add_option("PATH", init->path, "Where to write it")->capture_default_str();
  init_cmd->add_flag("--force", init->force, "Overwrite PATH if it exists");
  init_cmd->callback([init, exit_code] { *exit_code = run_init(*init); });
}

}  // namespace cloister::cli
