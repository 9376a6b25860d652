// SPDX-License-Identifier: Apache-2.0
#include "config/keep_config.h"

#include <filesystem>
#include <system_error>

#include "base/file.h"

namespace cloister::config {

namespace {

// A Cloister.toml is a few hundred bytes; refuse anything absurd (a path
// like /dev/zero must not exhaust memory).
constexpr size_t kMaxConfigSize = size_t{1} << 20;

FileEntry stdio_entry(FileKind kind) {
  FileEntry e;
  e.kind = kind;
  e.name = std::string(file_kind_name(kind));
  return e;
}

}  // namespace

std::string_view file_kind_name(FileKind kind) {
  switch (kind) {
    case FileKind::Null:
      return "null";
    case FileKind::Stdin:
      return "stdin";
    case FileKind::Stdout:
      return "stdout";
    case FileKind::Stderr:
      return "stderr";
    case FileKind::Listen:
      return "listen";
    case FileKind::Connect:
      return "connect";
    case FileKind::Dir:
      return "dir";
  }
  return "unknown";
}

KeepConfig default_config() {
  KeepConfig c;
  c.files = {stdio_entry(FileKind::Stdin), stdio_entry(FileKind::Stdout),
             stdio_entry(FileKind::Stderr)};
  return c;
}

Result<KeepConfig> load_config(const std::string& path) {
  auto text = read_text_file(path, kMaxConfigSize);
  if (!text) return Unexpected(text.error().with_context("cannot read config"));
  std::error_code ec;
  std::filesystem::path absolute = std::filesystem::absolute(path, ec);
  const std::string base_dir =
      ec ? std::filesystem::path(path).parent_path().string() : absolute.parent_path().string();
  return parse_config(*text, path, base_dir);
}

}  // namespace cloister::config
