// SPDX-License-Identifier: Apache-2.0
//
// Golden-file tests for what the spec suite does not pin down: the engine's
// own messages for traps (function name and offset), limit errors, fuel
// exhaustion and malformed/invalid modules. Each case in tests/wasm/golden/
// is a committed <case>.wasm (built from <case>.wat by regenerate.sh, or
// hand-assembled there) and <case>.expected, the exact text the engine must
// produce. The first line "golden: ..." in <case>.wat says what to do:
//   load                      decode + validate + compile
//   instantiate               ... then instantiate; the only import offered is
//                             env.fail, a host function () -> () that traps
//   invoke EXPORT             ... then call EXPORT with zero arguments
// followed by options: fuel=N and EngineLimits fields (max_call_depth=N,
// max_memory_pages=N, max_table_elements=N, max_locals_per_function=N,
// max_value_stack_slots=N, max_block_nesting=N).
// Cases without a .wat (hand-assembled binaries) are "load".
//
// Set CLOISTER_GOLDEN_UPDATE=1 to rewrite the .expected files from the
// engine's output, then review the diff before committing.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "base/file.h"
#include "wasm/runtime.h"

namespace cloister::wasm {
namespace {

namespace fs = std::filesystem;

fs::path golden_dir() {
  return fs::path(CLOISTER_SOURCE_DIR) / "tests" / "wasm" / "golden";
}

std::vector<std::string> list_cases() {
  std::vector<std::string> cases;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(golden_dir(), ec)) {
    if (entry.path().extension() == ".wasm") cases.push_back(entry.path().stem().string());
  }
  std::sort(cases.begin(), cases.end());
  return cases;
}

struct Directive {
  std::string action = "load";
  std::string export_name;
  std::optional<uint64_t> fuel;
  EngineLimits limits;
};

Result<uint64_t> parse_u64(const std::string& s) {
  if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos) {
    return fail("not a number: \"", s, "\"");
  }
  return std::stoull(s);
}

Result<Directive> read_directive(const std::string& name) {
  Directive d;
  fs::path wat = golden_dir() / (name + ".wat");
  std::error_code ec;
  if (!fs::exists(wat, ec)) return d;
  CLOISTER_TRY_ASSIGN(std::string text, read_text_file(wat.string()));
  const std::string marker = ";; golden:";
  size_t at = text.find(marker);
  if (at == std::string::npos) return fail(wat.string(), ": no \"", marker, "\" line");
  size_t end = text.find('\n', at);
  std::istringstream words(text.substr(at + marker.size(), end - at - marker.size()));
  words >> d.action;
  if (d.action == "invoke") words >> d.export_name;
  if (d.action != "load" && d.action != "instantiate" && d.action != "invoke") {
    return fail(wat.string(), ": unknown action \"", d.action, "\"");
  }
  std::string option;
  while (words >> option) {
    size_t eq = option.find('=');
    if (eq == std::string::npos) return fail(wat.string(), ": bad option \"", option, "\"");
    std::string key = option.substr(0, eq);
    CLOISTER_TRY_ASSIGN(uint64_t value, parse_u64(option.substr(eq + 1)));
    auto u32 = static_cast<uint32_t>(value);
    if (key == "fuel")
      d.fuel = value;
    else if (key == "max_call_depth")
      d.limits.max_call_depth = u32;
    else if (key == "max_memory_pages")
      d.limits.max_memory_pages = u32;
    else if (key == "max_table_elements")
      d.limits.max_table_elements = u32;
    else if (key == "max_locals_per_function")
      d.limits.max_locals_per_function = u32;
    else if (key == "max_value_stack_slots")
      d.limits.max_value_stack_slots = u32;
    else if (key == "max_block_nesting")
      d.limits.max_block_nesting = u32;
    else
      return fail(wat.string(), ": unknown option \"", key, "\"");
  }
  return d;
}

std::string format_values(const std::vector<Value>& values) {
  std::string s = "ok:";
  for (const Value& v : values) s += " " + v.to_string();
  return s;
}

// What the engine reports for `name`, following its directive.
Result<std::string> run_case(const std::string& name) {
  CLOISTER_TRY_ASSIGN(Directive d, read_directive(name));
  CLOISTER_TRY_ASSIGN(auto bytes, read_file((golden_dir() / (name + ".wasm")).string()));
  auto module = load_module(bytes, d.limits);
  if (!module) return "error: " + module.error().message();
  if (d.action == "load") return std::string("ok");
  Store store(d.limits);
  store.set_fuel(d.fuel);
  // The only importable thing: env.fail, a host function () -> () that traps.
  ImportMap imports;
  imports.define("env", "fail",
                 store.create_host_func(
                     FuncType{},
                     [](Caller&, std::span<const Value>, std::span<Value>) -> Outcome<void> {
                       return Failure::host_trap("refused by the host");
                     },
                     "env.fail"));
  auto instance = instantiate(store, *module, imports.resolver());
  if (!instance) return instance.failure().message();
  if (d.action == "instantiate") return std::string("ok");
  FuncInst* func = (*instance)->exported_func(d.export_name);
  if (!func) return fail("no exported function \"", d.export_name, "\"");
  std::vector<Value> args;
  for (ValType t : func->type().params) args.push_back(Value::zero(t));
  store.set_fuel(d.fuel);
  auto results = invoke(*func, args);
  if (!results) return results.failure().message();
  return format_values(*results);
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

class GoldenTest : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenTest, MatchesExpectedOutput) {
  const std::string name = GetParam();
  auto actual = run_case(name);
  ASSERT_TRUE(actual) << actual.error().message();
  fs::path expected_path = golden_dir() / (name + ".expected");
  const char* update = std::getenv("CLOISTER_GOLDEN_UPDATE");
  if (update && std::string(update) == "1") {
    std::ofstream(expected_path) << *actual << "\n";
    GTEST_SKIP() << "rewrote " << expected_path;
  }
  auto expected = read_text_file(expected_path.string());
  ASSERT_TRUE(expected) << expected.error().message();
  EXPECT_EQ(trim(*expected), *actual) << "case " << name;
}

INSTANTIATE_TEST_SUITE_P(Cases, GoldenTest, ::testing::ValuesIn(list_cases()),
                         [](const auto& info) { return info.param; });

// The cases exist for the information their messages carry; check that the
// committed expectations really carry it, so a regression in the engine's
// messages cannot be "fixed" by blessing a poorer golden file.
TEST(GoldenFiles, ExpectationsCarryLocations) {
  auto cases = list_cases();
  ASSERT_GE(cases.size(), 20u);
  for (const std::string& name : cases) {
    auto text = read_text_file((golden_dir() / (name + ".expected")).string());
    ASSERT_TRUE(text) << text.error().message();
    auto has = [&](const char* s) { return text->find(s) != std::string::npos; };
    if (name.rfind("trap_", 0) == 0 && name != "trap_in_start") {
      EXPECT_TRUE(has("function") && has("offset")) << name << ": " << *text;
    }
    // Errors inside a section's bytes give the byte offset; module-level
    // validation errors (e.g. a duplicate export) name the entity instead.
    if (name.rfind("malformed_", 0) == 0 || name.rfind("invalid_", 0) == 0) {
      EXPECT_TRUE(has("offset 0x") || has("export ")) << name << ": " << *text;
    }
    if (name.rfind("malformed_", 0) == 0) {
      EXPECT_TRUE(has("offset 0x")) << name << ": " << *text;
    }
    if (name == "invalid_type_mismatch") {
      EXPECT_TRUE(has("function 2") && has("offset 0x28")) << *text;  // the i32.add
    }
    if (name == "limit_call_depth") {
      EXPECT_TRUE(has("call stack exhausted")) << *text;
    }
    if (name == "fuel_exhausted") {
      EXPECT_TRUE(has("out of fuel")) << *text;
    }
  }
}

}  // namespace
}  // namespace cloister::wasm
