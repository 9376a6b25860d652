// SPDX-License-Identifier: Apache-2.0
//
// Each command group registers its subcommands on the top-level app. A
// subcommand's callback stores the process exit code in `*exit_code`.
#pragma once

#include <CLI/CLI.hpp>

namespace cloister::cli {

void register_attest_commands(CLI::App& app, int* exit_code);
void register_config_commands(CLI::App& app, int* exit_code);
void register_run_command(CLI::App& app, int* exit_code);
void register_platform_commands(CLI::App& app, int* exit_code);

}  // namespace cloister::cli
