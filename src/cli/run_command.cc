// SPDX-License-Identifier: Apache-2.0
//
// `cloister run`: start a keep on the chosen backend and run a WASI module in
// it. The exit status is the module's; see docs/run.md for the others.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/backend_choice.h"
#include "cli/commands.h"
#include "config/keep_config.h"
#include "config/memory_size.h"
#include "host/keep_program.h"
#include "host/kvm/kvm_backend.h"
#include "host/nil_backend.h"
#include "host/workload.h"
#include "keep/keep_runner.h"

namespace cloister::cli {
namespace {

struct RunOptions {
  std::string backend = "auto";
  std::string config_path;
  bool verbose = false;
  std::string module;
  std::vector<std::string> args;
};

int run(const RunOptions& o) {
  auto fail_with = [](const Error& e) {
    std::fprintf(stderr, "cloister: %s\n", e.message().c_str());
    return keep::kExitNoStart;
  };
  config::KeepConfig cfg = config::default_config();
  if (!o.config_path.empty()) {
    auto loaded = config::load_config(o.config_path);
    if (!loaded) return fail_with(loaded.error());
    cfg = std::move(*loaded);
  }
  // Looked up once: kvm's probe checks it is static, and the backend runs it.
  const auto keep_program = host::find_keep_program();
  auto backend = choose_backend(o.backend, cfg.keep.require_confidential, keep_program);
  if (!backend) return fail_with(backend.error());
  if (o.verbose) {
    if (*backend == "kvm") {
      std::fprintf(stderr,
                   "cloister: backend kvm (a micro-VM with %s of memory; isolated, not "
                   "confidential)\n",
                   config::format_memory_size(cfg.keep.memory).c_str());
    } else {
      std::fprintf(stderr, "cloister: backend nil (a plain process, no isolation)\n");
    }
  }
  if (!keep_program) return fail_with(keep_program.error());
  auto workload = host::prepare_workload(o.module, cfg, o.args);
  if (!workload) return fail_with(workload.error());
  Result<int> status = 0;
  if (*backend == "kvm") {
    host::KvmOptions options;
    options.memory_bytes = cfg.keep.memory;
    status = host::run_kvm(*keep_program, std::move(*workload), options);
  } else {
    status = host::run_nil(*keep_program, std::move(*workload));
  }
  if (!status) return fail_with(status.error());
  return *status;
}

}  // namespace

void register_run_command(CLI::App& app, int* exit_code) {
  auto opts = std::make_shared<RunOptions>();
  CLI::App* run_cmd = app.add_subcommand(
      "run", "Run a WebAssembly (WASI preview 1) module in a keep; exits with its exit code");
  run_cmd
      ->add_option("--backend", opts->backend,
                   "Where the keep runs: kvm (a micro-VM), nil (a plain process), or auto "
                   "(the most isolating one this machine offers; see `cloister platform info`)")
      ->check(CLI::IsMember({"nil", "kvm", "auto"}))
      ->default_str("auto");
  run_cmd->add_option("-c,--config", opts->config_path,
                      "Cloister.toml granting arguments, environment, files and sockets "
                      "(default: stdin, stdout and stderr only)");
  run_cmd->add_flag("-v,--verbose", opts->verbose, "Say which backend runs the keep");
  run_cmd->add_option("module", opts->module, "The .wasm module")->required();
  run_cmd->add_option("args", opts->args, "Arguments for the module (after --)");
  run_cmd->callback([opts, exit_code] { *exit_code = run(*opts); });
}

}  // namespace cloister::cli
