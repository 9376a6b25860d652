// SPDX-License-Identifier: Apache-2.0
#include "host/workload.h"

#include "base/file.h"
#include "host/resources.h"

namespace cloister::host {
namespace {

keep::LaunchFileKind launch_kind(config::FileKind k) {
  switch (k) {
    case config::FileKind::Null:
      return keep::LaunchFileKind::Null;
    case config::FileKind::Stdin:
      return keep::LaunchFileKind::Stdin;
    case config::FileKind::Stdout:
      return keep::LaunchFileKind::Stdout;
    case config::FileKind::Stderr:
      return keep::LaunchFileKind::Stderr;
    case config::FileKind::Listen:
      return keep::LaunchFileKind::Listen;
    case config::FileKind::Connect:
      return keep::LaunchFileKind::Connect;
    case config::FileKind::Dir:
      return keep::LaunchFileKind::Dir;
  }
  return keep::LaunchFileKind::Null;
}

}  // namespace

Result<Workload> prepare_workload(const std::string& module_path, const config::KeepConfig& config,
                                  const std::vector<std::string>& extra_args) {
  Workload w;
  auto bytes = read_file(module_path, keep::kMaxModuleBytes);
  if (!bytes) return Unexpected(bytes.error().with_context("cannot read module"));
  w.launch.module = std::move(*bytes);
  w.launch.module_name = module_path;
  w.launch.args = config.args;
  w.launch.args.insert(w.launch.args.end(), extra_args.begin(), extra_args.end());
  for (const auto& [key, value] : config.env) w.launch.env.push_back(key + "=" + value);
  if (config.files_listed) {
    // Like Enarx: the module finds its descriptors by name.
    std::string names;
    for (size_t i = 0; i < config.files.size(); ++i) {
      if (i != 0) names += ':';
      names += config.files[i].name;  // the parser gives every entry one
    }
    w.launch.env.push_back("FD_COUNT=" + std::to_string(config.files.size()));
    w.launch.env.push_back("FD_NAMES=" + names);
  }

  CLOISTER_TRY_ASSIGN(std::vector<UniqueFd> opened, open_resources(config));
  // Launch message at 3, then every non-stdio descriptor in order.
  int next = keep::kLaunchFd + 1;
  for (size_t i = 0; i < config.files.size(); ++i) {
    const config::FileEntry& e = config.files[i];
    keep::LaunchFile f;
    f.kind = launch_kind(e.kind);
    f.name = e.name;
    switch (e.kind) {
      case config::FileKind::Stdin:
        f.keep_fd = 0;
        break;
      case config::FileKind::Stdout:
        f.keep_fd = 1;
        break;
      case config::FileKind::Stderr:
        f.keep_fd = 2;
        break;
      default:
        f.keep_fd = next++;
        w.fds.emplace_back(std::move(opened[i]), f.keep_fd);
        break;
    }
    if (e.kind == config::FileKind::Dir) {
      f.preopen = e.guest_path;
      f.read_only = e.read_only;
    }
    w.launch.files.push_back(std::move(f));
  }
  return w;
}

}  // namespace cloister::host
