// SPDX-License-Identifier: Apache-2.0
#include "keep_toml.h"

#include <cstdio>

namespace cloister::wasi_testsuite {

std::string toml_string(std::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (u < 0x20 || u == 0x7f) {
          char esc[8];
          std::snprintf(esc, sizeof esc, "\\u%04X", u);
          out += esc;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string keep_toml(const TestCase& test, const std::optional<std::filesystem::path>& root_copy) {
  std::string t = "# " + test.id + " (written by wasi-testsuite-run)\nargs = [";
  for (size_t i = 0; i < test.args.size(); ++i) {
    t += (i == 0 ? "" : ", ") + toml_string(test.args[i]);
  }
  t += "]\n\n[env]\n";
  for (const auto& [name, value] : test.env)
    t += toml_string(name) + " = " + toml_string(value) + "\n";
  // Without a fixture the default descriptors (stdin, stdout, stderr; the
  // runner gives cloister /dev/null as its stdin) are exactly right, and no
  // [[files]] list means no FD_COUNT/FD_NAMES: the environment stays exactly
  // the spec's, which the environ_* tests check.
  if (root_copy) {
    t += "\n[[files]]\nkind = \"stdin\"\n\n[[files]]\nkind = \"stdout\"\n\n[[files]]\nkind = "
         "\"stderr\"\n";
    t += "\n[[files]]\nkind = \"dir\"\nhost = " + toml_string(root_copy->string()) +
         "\nguest = \"/\"\nmode = \"rw\"\n";
  }
  return t;
}

}  // namespace cloister::wasi_testsuite
