// SPDX-License-Identifier: Apache-2.0
//
// Runs the front end over every binary module of the official WebAssembly 2.0
// test suite (non-SIMD files): modules must decode and validate,
// assert_malformed binaries must fail one of the two, and assert_invalid
// binaries must decode but fail validation.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "base/file.h"
#include "wasm/decoder.h"
#include "wasm/validator.h"

namespace cloister::wasm {
namespace {

namespace fs = std::filesystem;

const fs::path kSuiteDir = fs::path(CLOISTER_TESTDATA_DIR) / "wasm-spec";

// Names of the non-SIMD test files, from files.tsv (name, commands, modules, simd).
std::vector<std::string> non_simd_files() {
  std::vector<std::string> names;
  std::ifstream tsv(kSuiteDir / "files.tsv");
  std::string line;
  std::getline(tsv, line);  // header
  while (std::getline(tsv, line)) {
    std::istringstream fields(line);
    std::string name, commands, modules, simd;
    std::getline(fields, name, '\t');
    std::getline(fields, commands, '\t');
    std::getline(fields, modules, '\t');
    std::getline(fields, simd, '\t');
    if (simd == "no") names.push_back(name);
  }
  return names;
}

std::vector<uint8_t> read_binary(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

TEST(SpecFrontTest, EveryBinaryModuleOfTheSuite) {
  if (!fs::exists(kSuiteDir / "files.tsv")) {
    GTEST_SKIP() << "spec test suite not found at " << kSuiteDir;
  }
  const std::vector<std::string> files = non_simd_files();
  ASSERT_GT(files.size(), 80u);
  size_t checked = 0;
  std::vector<std::string> failures;
  // Rejections whose message lacks the suite's reason text (not failures:
  // the spec only requires rejection, but the reasons should match).
  std::vector<std::string> other_reason;
  for (const std::string& name : files) {
    const fs::path dir = kSuiteDir / "json" / name;
    std::ifstream in(dir / (name + ".json"));
    ASSERT_TRUE(in) << "missing " << name << ".json";
    const nlohmann::json script = nlohmann::json::parse(in);
    for (const auto& cmd : script.at("commands")) {
      const std::string type = cmd.at("type");
      const bool is_module = type == "module";
      const bool malformed = type == "assert_malformed";
      const bool invalid = type == "assert_invalid";
      if (!is_module && !malformed && !invalid) continue;
      if (!is_module && cmd.value("module_type", "") != "binary") continue;
      const std::string file = cmd.at("filename");
      const std::vector<uint8_t> bytes = read_binary(dir / file);
      const std::string where =
          name + ":" + std::to_string(cmd.at("line").get<int>()) + " (" + file + ")";
      ++checked;
      const std::string text = cmd.value("text", "");
      auto decoded = decode_module(bytes);
      if (!decoded) {
        if (!malformed) failures.push_back(where + " " + type + ": " + decoded.error().message());
        if (malformed && decoded.error().message().find(text) == std::string::npos) {
          other_reason.push_back(where + " expected \"" + text + "\", got " +
                                 decoded.error().message());
        }
        continue;
      }
      auto validated = validate_module(*decoded);
      if (!is_module && !validated && validated.error().message().find(text) == std::string::npos) {
        other_reason.push_back(where + " expected \"" + text + "\", got " +
                               validated.error().message());
      }
      if (is_module && !validated) {
        failures.push_back(where + " module: " + validated.error().message());
      } else if (!is_module && validated) {
        failures.push_back(where + " " + type + " accepted, expected \"" + cmd.value("text", "") +
                           "\"");
      }
    }
  }
  for (const std::string& f : failures) std::cout << "  FAIL " << f << "\n";
  for (const std::string& r : other_reason) std::cout << "  other reason: " << r << "\n";
  std::cout << checked << " modules checked, " << failures.size() << " failures\n";
  EXPECT_GT(checked, 1000u);
  EXPECT_TRUE(failures.empty());
}

}  // namespace
}  // namespace cloister::wasm
