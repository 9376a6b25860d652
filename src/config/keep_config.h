// SPDX-License-Identifier: Apache-2.0
//
// Cloister.toml: what a deployer grants a workload. The file lists the
// module's arguments, its complete environment (nothing is inherited from the
// host), and its file descriptors in fd order: stdio, TCP listeners and
// connections, and preopened host directories. See docs/config.md.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"

namespace cloister::config {

enum class FileKind : uint8_t { Null, Stdin, Stdout, Stderr, Listen, Connect, Dir };

// "null", "stdin", ... as written in Cloister.toml.
std::string_view file_kind_name(FileKind kind);

enum class Protocol : uint8_t { Tcp, Tls };

// One [[files]] entry. Which fields are meaningful depends on `kind`.
struct FileEntry {
  FileKind kind = FileKind::Null;
  // The name the module sees in FD_NAMES. Defaults to the kind's name
  // ("stdin", ...) for stdio and null, and to `guest_path` for dir.
  std::string name;
  // listen: the local address (default "::") and port.
  // connect: the remote host name or address and port.
  std::string addr;
  std::string host;
  uint16_t port = 0;
  Protocol prot = Protocol::Tcp;
  // dir: the host directory (absolute, or relative to the config file's
  // directory; stored resolved to an absolute path), the path the module
  // sees, and whether the module may only read.
  std::string host_path;
  std::string guest_path;
  bool read_only = true;
};

// [keep]: the keep itself rather than what the workload is granted.
inline constexpr uint64_t kDefaultKeepMemory = uint64_t{1} << 30;  // 1 GiB
inline constexpr uint64_t kMinKeepMemory = uint64_t{32} << 20;     // 32 MiB
// One memory slot below the 4 GiB boundary, where x86 keeps its MMIO hole
// and KVM (on Intel) its TSS and identity-map pages.
inline constexpr uint64_t kMaxKeepMemory = uint64_t{3} << 30;      // 3 GiB
inline constexpr uint64_t kKeepMemoryGranule = uint64_t{2} << 20;  // 2 MiB

struct KeepSettings {
  // Guest RAM of a VM-based keep (kvm): a multiple of 2 MiB in
  // [kMinKeepMemory, kMaxKeepMemory]. The host reserves it lazily, so only
  // what the keep touches is used. The nil backend ignores it.
  uint64_t memory = kDefaultKeepMemory;
  // require = "confidential": refuse backends that cannot keep the
  // workload's memory from the host (nil, kvm).
  bool require_confidential = false;
};

struct KeepConfig {
  std::vector<std::string> args;                         // after argv[0]
  std::vector<std::pair<std::string, std::string>> env;  // in file order
  std::vector<FileEntry> files;                          // index = WASI fd
  // Whether the file has a [[files]] list. Only then does the module's
  // environment get FD_COUNT and FD_NAMES describing it: without one the
  // environment is exactly [env] (what WASI conformance expects).
  bool files_listed = false;
  KeepSettings keep;
};

// The configuration used without a Cloister.toml: stdin, stdout and stderr,
// no arguments, no environment, no network, no filesystem.
KeepConfig default_config();

// Parses Cloister.toml text. `source_name` (the file's path) and the line and
// column prefix every error: "Cloister.toml:7:1: files[2]: unknown kind
// \"pipe\" (expected one of null, stdin, stdout, stderr, listen, connect,
// dir)". Relative `host` paths of dir entries are resolved against
// `base_dir` (the config file's directory).
Result<KeepConfig> parse_config(std::string_view text, std::string_view source_name,
                                std::string_view base_dir);

// Reads and parses a config file (bounded size; missing/unreadable files are
// errors naming the path).
Result<KeepConfig> load_config(const std::string& path);

// The commented template `cloister config init` writes. It parses to
// default_config() plus nothing else (every example is commented out).
std::string config_template();

}  // namespace cloister::config
