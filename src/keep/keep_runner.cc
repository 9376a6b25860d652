// SPDX-License-Identifier: Apache-2.0
#include "keep/keep_runner.h"

#include <fcntl.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <string>
#include <utility>

#include "wasi/wasi.h"
#include "wasm/runtime.h"

namespace cloister::keep {
namespace {

std::string_view default_name(LaunchFileKind kind) {
  switch (kind) {
    case LaunchFileKind::Null:
      return "null";
    case LaunchFileKind::Stdin:
      return "stdin";
    case LaunchFileKind::Stdout:
      return "stdout";
    case LaunchFileKind::Stderr:
      return "stderr";
    case LaunchFileKind::Listen:
      return "listen";
    case LaunchFileKind::Connect:
      return "connect";
    case LaunchFileKind::Dir:
      return "dir";
  }
  return "fd";
}

// Builds the WASI setup. Each granted descriptor is duplicated, so that the
// module closing or renumbering its stdout never closes the keep's own
// stderr, which still has to carry diagnostics.
Result<wasi::WasiSetup> make_setup(Launch& launch) {
  wasi::WasiSetup setup;
  setup.args.push_back(launch.module_name);
  for (auto& a : launch.args) setup.args.push_back(std::move(a));
  setup.env = std::move(launch.env);
  for (size_t i = 0; i < launch.files.size(); ++i) {
    const LaunchFile& f = launch.files[i];
    wasi::GrantedFd g;
    const int fd = ::fcntl(f.keep_fd, F_DUPFD_CLOEXEC, 0);
    if (fd < 0) {
      return fail("files[", i, "] (", default_name(f.kind), "): descriptor ", f.keep_fd,
                  " was not passed to the keep: ", std::strerror(errno));
    }
    g.host.reset(fd);
    g.preopen = f.preopen;
    g.read_only = f.read_only;
    g.is_listener = f.kind == LaunchFileKind::Listen;
    setup.fds.push_back(std::move(g));
  }
  // The originals (not stdio) are no longer needed.
  for (const LaunchFile& f : launch.files) {
    if (f.keep_fd > 2) ::close(f.keep_fd);
  }
  return setup;
}

void report_failure(const std::string& module, const wasm::Failure& f) {
  if (f.kind == wasm::FailureKind::Trap || f.kind == wasm::FailureKind::Exhaustion) {
    if (f.func_index.has_value()) {
      std::string where =
          f.func_name.empty() ? "function " + std::to_string(*f.func_index) : f.func_name;
      if (f.offset.has_value()) {
        std::fprintf(stderr, "cloister: trap in %s at 0x%zx: %s\n", where.c_str(), *f.offset,
                     f.reason.c_str());
      } else {
        std::fprintf(stderr, "cloister: trap in %s: %s\n", where.c_str(), f.reason.c_str());
      }
    } else {
      std::fprintf(stderr, "cloister: trap: %s\n", f.reason.c_str());
    }
    return;
  }
  std::fprintf(stderr, "cloister: %s: cannot run: %s\n", module.c_str(), f.message().c_str());
}

}  // namespace

int run_launch(Launch launch) {
  const std::string module_name = launch.module_name;
  Result<wasm::ModuleHandle> module = wasm::load_module(launch.module);
  if (!module) {
    std::fprintf(stderr, "cloister: %s: not a valid WebAssembly module: %s\n", module_name.c_str(),
                 module.error().message().c_str());
    return kExitNoStart;
  }
  launch.module.clear();
  launch.module.shrink_to_fit();
  Result<wasi::WasiSetup> setup = make_setup(launch);
  if (!setup) {
    std::fprintf(stderr, "cloister: %s\n", setup.error().message().c_str());
    return kExitNoStart;
  }
  auto ctx = wasi::WasiContext::create(std::move(*setup));
  if (!ctx) {
    std::fprintf(stderr, "cloister: %s\n", ctx.error().message().c_str());
    return kExitNoStart;
  }
  wasm::Outcome<int32_t> r = wasi::run_command(*module, **ctx);
  if (!r) {
    report_failure(module_name, r.failure());
    const bool trapped = r.failure().kind == wasm::FailureKind::Trap ||
                         r.failure().kind == wasm::FailureKind::Exhaustion;
    return trapped ? kExitTrap : kExitNoStart;
  }
  // POSIX keeps the low 8 bits of an exit status; a WASI exit code is a u32.
  return static_cast<int>(static_cast<uint32_t>(*r) & 0xff);
}

}  // namespace cloister::keep
