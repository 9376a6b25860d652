// SPDX-License-Identifier: Apache-2.0
#include "config/host_path.h"

#include <filesystem>
#include <system_error>

namespace cloister::config {

namespace {

// Appends the components of `path` to `out`, skipping empty and "."
// components; `out` is "/" or a path without a trailing slash.
void append_components(std::string& out, std::string_view path) {
  size_t pos = 0;
  while (pos < path.size()) {
    size_t slash = path.find('/', pos);
    if (slash == std::string_view::npos) slash = path.size();
    std::string_view part = path.substr(pos, slash - pos);
    if (!part.empty() && part != ".") {
      if (out.empty() || out.back() != '/') out += '/';
      out += part;
    }
    pos = slash + 1;
  }
}

std::string current_directory() {
  std::error_code ec;
  auto cwd = std::filesystem::current_path(ec);
  // Without a current directory (it was deleted) relative paths stay
  // relative; opening them later fails with a message naming them.
  return ec ? std::string() : cwd.string();
}

}  // namespace

std::string resolve_host_path(std::string_view base_dir, std::string_view path) {
  std::string out;
  if (path.starts_with('/')) {
    out = "/";
  } else {
    if (!base_dir.starts_with('/')) {
      out = current_directory();
      if (out.empty()) out = ".";
    } else {
      out = "/";
    }
    append_components(out, base_dir);
  }
  append_components(out, path);
  return out;
}

}  // namespace cloister::config
