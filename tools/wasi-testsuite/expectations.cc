// SPDX-License-Identifier: Apache-2.0
#include "expectations.h"

namespace cloister::wasi_testsuite {
namespace {

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r");
  return s.substr(first, last - first + 1);
}

}  // namespace

Result<Expectations> parse_expectations(std::string_view text, std::string_view source_name) {
  Expectations out;
  size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    const auto nl = text.find('\n');
    const std::string_view line = trim(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (line.empty() || line.front() == '#') continue;
    const auto space = line.find_first_of(" \t");
    const std::string_view id = line.substr(0, space);
    const std::string_view reason =
        space == std::string_view::npos ? std::string_view{} : trim(line.substr(space));
    if (id.find('/') == std::string_view::npos) {
      return fail(source_name, ":", line_no, ": expected <lang>/<name>, got \"", id, "\"");
    }
    if (reason.empty()) {
      return fail(source_name, ":", line_no, ": ", id, " has no reason (each expected failure ",
                  "must say why it fails)");
    }
    if (!out.emplace(std::string(id), std::string(reason)).second) {
      return fail(source_name, ":", line_no, ": ", id, " is listed twice");
    }
  }
  return out;
}

}  // namespace cloister::wasi_testsuite
