// SPDX-License-Identifier: Apache-2.0
//
// `cloister platform info [--json]`: every backend, whether Cloister can run
// keeps on it here, whether it is confidential, and for each one it cannot
// use, why. Always exits 0 (it reports; it does not judge).
#include <cstdio>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/backend_choice.h"
#include "cli/commands.h"
#include "host/keep_program.h"
#include "host/platform.h"

namespace cloister::cli {
namespace {

void print_text(const std::vector<host::BackendStatus>& backends, const std::string& chosen) {
  for (const auto& b : backends) {
    std::printf("%s %-8s %-17s %s\n", b.available ? "\u2714" : "\u2718", b.name.c_str(),
                b.confidential ? "confidential" : "not confidential", b.description.c_str());
    for (const auto& r : b.reasons) std::printf("             %s\n", r.c_str());
    for (const auto& n : b.notes) std::printf("             note: %s\n", n.c_str());
  }
  std::printf("--backend auto runs keeps on: %s\n", chosen.c_str());
}

void print_json(const std::vector<host::BackendStatus>& backends, const std::string& chosen) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& b : backends) {
    list.push_back({{"name", b.name},
                    {"available", b.available},
                    {"confidential", b.confidential},
                    {"description", b.description},
                    {"reasons", b.reasons},
                    {"notes", b.notes}});
  }
  const nlohmann::json out = {{"backends", list}, {"auto", chosen}};
  std::printf("%s\n", out.dump(2).c_str());
}

}  // namespace

void register_platform_commands(CLI::App& app, int* exit_code) {
  CLI::App* platform = app.add_subcommand("platform", "What this machine can run keeps on");
  platform->require_subcommand(1);
  auto json = std::make_shared<bool>(false);
  CLI::App* info = platform->add_subcommand(
      "info", "List every backend: usable or not (and why), confidential or not");
  info->add_flag("--json", *json, "Print JSON instead of text");
  info->callback([json, exit_code] {
    const auto backends = probe_backends(host::find_keep_program());
    const std::string chosen = host::auto_backend(backends);
    if (*json) {
      print_json(backends, chosen);
    } else {
      print_text(backends, chosen);
    }
    *exit_code = 0;
  });
}

}  // namespace cloister::cli
