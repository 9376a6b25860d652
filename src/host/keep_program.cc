// SPDX-License-Identifier: Apache-2.0
#include "host/keep_program.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <system_error>
#include <vector>

namespace cloister::host {

Result<std::string> find_keep_program() {
  if (const char* env = std::getenv("CLOISTER_KEEP"); env != nullptr && *env != '\0') {
    if (::access(env, X_OK) != 0) {
      return fail("CLOISTER_KEEP=", env, " is not an executable file");
    }
    return std::string(env);
  }
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return fail("cannot locate the cloister binary (/proc/self/exe): ", ec.message());
  const std::filesystem::path dir = self.parent_path();
  const std::vector<std::filesystem::path> candidates = {
      dir / "cloister-keep", dir.parent_path() / "libexec" / "cloister" / "cloister-keep"};
  std::string looked;
  for (const auto& c : candidates) {
    if (::access(c.c_str(), X_OK) == 0) return c.string();
    looked += looked.empty() ? "" : ", ";
    looked += c.string();
  }
  return fail("cannot find the keep program cloister-keep (looked at ", looked,
              "); set CLOISTER_KEEP to its path");
}

}  // namespace cloister::host
