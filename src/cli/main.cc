// SPDX-License-Identifier: Apache-2.0
//
// The `cloister` command: a thin layer that parses arguments and calls the
// component libraries. Command groups live in their own files.
#include <cstdio>

#include <CLI/CLI.hpp>

#include "cli/commands.h"

#ifndef CLOISTER_VERSION
#define CLOISTER_VERSION "unknown"
#endif

int main(int argc, char** argv) {
  CLI::App app{"Cloister: run WebAssembly workloads in attested keeps on hosts you do not trust"};
  app.set_version_flag("--version", std::string("cloister ") + CLOISTER_VERSION);
  app.require_subcommand(1);

  int exit_code = 0;
  cloister::cli::register_run_command(app, &exit_code);
  cloister::cli::register_attest_commands(app, &exit_code);
  cloister::cli::register_config_commands(app, &exit_code);
  cloister::cli::register_platform_commands(app, &exit_code);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return exit_code;
}
