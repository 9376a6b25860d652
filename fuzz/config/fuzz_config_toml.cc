// SPDX-License-Identifier: Apache-2.0
//
// Cloister.toml parsing on arbitrary text: must never crash or let an
// exception escape, every error must carry the file:line:col prefix, and
// every accepted config must satisfy what the keep relies on (unique,
// colon-free names; ports in range; absolute host paths; no '..' in guest
// paths; environment names the keep can pass on).
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <set>
#include <string_view>

#include "config/keep_config.h"

namespace {

using cloister::config::FileEntry;
using cloister::config::FileKind;

void require(bool condition) {
  if (!condition) __builtin_trap();
}

// An oracle independent of the parser's own check: std::filesystem's
// element-wise view of the path.
bool has_dot_dot(std::string_view path) {
  for (const auto& part : std::filesystem::path(path)) {
    if (part == "..") return true;
  }
  return false;
}

void check_entry(const FileEntry& e) {
  require(!e.name.empty());
  require(e.name.find(':') == std::string::npos);
  require(e.name.find('\0') == std::string::npos);
  switch (e.kind) {
    case FileKind::Listen:
      require(e.port != 0 && !e.addr.empty());
      break;
    case FileKind::Connect:
      require(e.port != 0 && !e.host.empty());
      break;
    case FileKind::Dir:
      require(e.host_path.starts_with('/'));
      require(e.host_path.find('\0') == std::string::npos);
      require(!e.guest_path.empty() && !has_dot_dot(e.guest_path));
      break;
    default:
      break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto config = cloister::config::parse_config(text, "fuzz.toml", "/base");
  if (!config) {
    require(config.error().message().starts_with("fuzz.toml:"));
    return 0;
  }
  std::set<std::string> names;
  for (const auto& e : config->files) {
    check_entry(e);
    require(names.insert(e.name).second);
  }
  for (const auto& [key, value] : config->env) {
    require(!key.empty() && key.find('=') == std::string::npos);
    require(key != "FD_COUNT" && key != "FD_NAMES");
    require(value.find('\0') == std::string::npos);
  }
  for (const auto& arg : config->args) require(arg.find('\0') == std::string::npos);
  return 0;
}
