// SPDX-License-Identifier: Apache-2.0
#include "spec.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <system_error>

#include "base/file.h"

namespace cloister::wasi_testsuite {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

Result<std::string> string_value(const json& v, std::string_view what) {
  if (!v.is_string()) return fail(what, ": expected a string, got ", v.type_name());
  return v.get<std::string>();
}

}  // namespace

Result<TestCase> parse_spec(std::string id, fs::path wasm, std::string_view json_text,
                            const fs::path& json_path) {
  TestCase tc;
  tc.id = std::move(id);
  tc.wasm = std::move(wasm);
  const std::string where = json_path.string();
  const json spec = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (spec.is_discarded()) return fail(where, ": not valid JSON");
  if (!spec.is_object()) return fail(where, ": expected a JSON object");
  for (const auto& [key, value] : spec.items()) {
    if (key == "args") {
      if (!value.is_array()) return fail(where, ": args: expected an array");
      for (const auto& a : value) {
        CLOISTER_TRY_ASSIGN(std::string arg, string_value(a, where + ": args[]"));
        tc.args.push_back(std::move(arg));
      }
    } else if (key == "env") {
      if (!value.is_object()) return fail(where, ": env: expected an object");
      for (const auto& [name, v] : value.items()) {
        CLOISTER_TRY_ASSIGN(std::string s, string_value(v, where + ": env." + name));
        tc.env.emplace_back(name, std::move(s));
      }
    } else if (key == "root") {
      if (value.is_null()) continue;
      CLOISTER_TRY_ASSIGN(std::string root, string_value(value, where + ": root"));
      tc.root = json_path.parent_path() / root;
    } else if (key == "exit_code") {
      if (!value.is_number_integer()) return fail(where, ": exit_code: expected an integer");
      tc.exit_code = value.get<int>();
    } else if (key == "stdout") {
      CLOISTER_TRY_ASSIGN(std::string s, string_value(value, where + ": stdout"));
      tc.stdout_prefix = std::move(s);
    } else if (key == "stderr") {
      CLOISTER_TRY_ASSIGN(std::string s, string_value(value, where + ": stderr"));
      tc.stderr_prefix = std::move(s);
    } else {
      // "dirs" (the pre-2026 form), "operations", "proposals": not in the
      // preview 1 files this runner was written for.
      return fail(where, ": unsupported key \"", key, "\"");
    }
  }
  return tc;
}

Result<std::vector<TestCase>> discover_tests(const fs::path& suite_dir) {
  std::vector<TestCase> tests;
  std::error_code ec;
  const fs::path tests_dir = suite_dir / "tests";
  for (const auto& lang_entry : fs::directory_iterator(tests_dir, ec)) {
    const fs::path dir = lang_entry.path() / "testsuite" / "wasm32-wasip1";
    if (!fs::is_directory(dir)) continue;
    const std::string lang = lang_entry.path().filename().string();
    std::error_code dir_ec;
    for (const auto& entry : fs::directory_iterator(dir, dir_ec)) {
      const fs::path& wasm = entry.path();
      if (wasm.extension() != ".wasm" || !entry.is_regular_file()) continue;
      std::string id = lang + "/" + wasm.stem().string();
      fs::path json_path = wasm;
      json_path.replace_extension(".json");
      if (!fs::exists(json_path)) {
        TestCase tc;
        tc.id = std::move(id);
        tc.wasm = wasm;
        tests.push_back(std::move(tc));
        continue;
      }
      CLOISTER_TRY_ASSIGN(std::string text, read_text_file(json_path.string(), 1 << 20));
      CLOISTER_TRY_ASSIGN(TestCase tc, parse_spec(std::move(id), wasm, text, json_path));
      tests.push_back(std::move(tc));
    }
    if (dir_ec) return fail(dir.string(), ": ", dir_ec.message());
  }
  if (ec) return fail(tests_dir.string(), ": ", ec.message());
  std::sort(tests.begin(), tests.end(),
            [](const TestCase& a, const TestCase& b) { return a.id < b.id; });
  return tests;
}

}  // namespace cloister::wasi_testsuite
