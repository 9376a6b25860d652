// SPDX-License-Identifier: Apache-2.0
//
// Tests of the spec-suite runner itself (tools/spec-run): that it parses the
// wast2json format, matches values by the script format's rules, and that
// every kind of assertion can fail, so "0 failed" over the suite means
// something.

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "runner.h"
#include "script.h"
#include "values.h"

namespace cloister::specrun {
namespace {

namespace fs = std::filesystem;
using wasm::Value;

TEST(SpecScript, ParsesCommandsAndValues) {
  auto s = parse_script(R"({"source_filename": "x.wast", "commands": [
    {"type": "module", "line": 1, "name": "$M", "filename": "x.0.wasm"},
    {"type": "register", "line": 2, "name": "$M", "as": "m"},
    {"type": "assert_return", "line": 3,
     "action": {"type": "invoke", "module": "$M", "field": "f\u00e9",
                "args": [{"type": "i32", "value": "4294967295"}, {"type": "externref", "value": "null"}]},
     "expected": [{"type": "f32", "value": "nan:canonical"}, {"type": "f64", "value": "nan:arithmetic"},
                  {"type": "funcref"}, {"type": "externref", "value": "7"}]},
    {"type": "assert_trap", "line": 4, "action": {"type": "get", "field": "g"},
     "text": "unreachable", "expected": [{"type": "i32"}]},
    {"type": "assert_malformed", "line": 5, "filename": "x.1.wat", "text": "t", "module_type": "text"}
  ]})");
  ASSERT_TRUE(s) << s.error().message();
  ASSERT_EQ(s->commands.size(), 5u);
  const Command& ret = s->commands[2];
  EXPECT_EQ(ret.type, Command::Type::AssertReturn);
  EXPECT_EQ(*ret.action->module, "$M");
  EXPECT_EQ(ret.action->field, "f\xc3\xa9");
  EXPECT_EQ(ret.action->args[0].bits, 0xffffffffu);
  EXPECT_EQ(ret.action->args[1].pattern, ScriptValue::Pattern::Null);
  EXPECT_EQ(ret.expected[0].pattern, ScriptValue::Pattern::CanonicalNan);
  EXPECT_EQ(ret.expected[1].pattern, ScriptValue::Pattern::ArithmeticNan);
  EXPECT_EQ(ret.expected[2].pattern, ScriptValue::Pattern::AnyNonNull);
  EXPECT_EQ(ret.expected[3].bits, 7u);
  EXPECT_EQ(s->commands[3].action->type, Action::Type::Get);
  EXPECT_EQ(s->commands[3].expected[0].pattern, ScriptValue::Pattern::Unspecified);
  EXPECT_TRUE(s->commands[4].text_module);
  EXPECT_EQ(s->commands[1].as, "m");
}

TEST(SpecScript, RejectsBadInputWithLine) {
  auto bad_value = parse_script(R"({"commands": [{"type": "assert_return", "line": 9,
    "action": {"type": "invoke", "field": "f", "args": [{"type": "i32", "value": "4294967296"}]},
    "expected": []}]})");
  ASSERT_FALSE(bad_value);
  EXPECT_NE(bad_value.error().message().find("line 9"), std::string::npos);
  EXPECT_FALSE(parse_script("{"));
  EXPECT_FALSE(parse_script(R"({"commands": [{"type": "nonsense", "line": 1}]})"));
  EXPECT_FALSE(parse_script(R"({"commands": [{"type": "module", "line": 1}]})"));
}

TEST(SpecValues, NanPatterns) {
  EXPECT_TRUE(is_canonical_nan_f32(0x7fc00000));
  EXPECT_TRUE(is_canonical_nan_f32(0xffc00000));
  EXPECT_FALSE(is_canonical_nan_f32(0x7fc00001));
  EXPECT_TRUE(is_arithmetic_nan_f32(0x7fc00001));
  EXPECT_FALSE(is_arithmetic_nan_f32(0x7f800001));  // signalling
  EXPECT_FALSE(is_arithmetic_nan_f32(0x7f800000));  // infinity
  EXPECT_TRUE(is_canonical_nan_f64(0xfff8000000000000));
  EXPECT_FALSE(is_canonical_nan_f64(0x7ff8000000000001));
  EXPECT_TRUE(is_arithmetic_nan_f64(0x7ffc000000000000));
  EXPECT_FALSE(is_arithmetic_nan_f64(0x7ff4000000000000));
}

TEST(SpecValues, MatchesByTypeAndBits) {
  ScriptValue f32_one{ScriptValue::Type::F32, ScriptValue::Pattern::Exact, 0x3f800000};
  EXPECT_TRUE(matches(Value::f32_bits(0x3f800000), f32_one));
  EXPECT_FALSE(matches(Value::i32(0x3f800000), f32_one));  // type differs
  ScriptValue neg_zero{ScriptValue::Type::F64, ScriptValue::Pattern::Exact, 0x8000000000000000};
  EXPECT_FALSE(matches(Value::f64_bits(0), neg_zero));  // bit-exact, not ==
  ScriptValue ext{ScriptValue::Type::ExternRef, ScriptValue::Pattern::Exact, 0};
  EXPECT_TRUE(matches(Value::externref(0), ext));
  EXPECT_FALSE(matches(Value::null_ref(wasm::ValType::ExternRef), ext));
  ScriptValue any_func{ScriptValue::Type::FuncRef, ScriptValue::Pattern::AnyNonNull, 0};
  EXPECT_FALSE(matches(Value::null_ref(wasm::ValType::FuncRef), any_func));
}

// A script over the committed golden module that traps, run end to end.
class SpecRunner : public ::testing::Test {
 protected:
  std::vector<CommandResult> run(const std::string& commands_json) {
    auto script = parse_script(R"({"commands": [)" + commands_json + "]}");
    EXPECT_TRUE(script) << script.error().message();
    script_ = std::move(*script);
    std::vector<CommandResult> results;
    RunOptions options;
    options.fuel = 1'000'000;
    run_script(script_, golden_, options, [&](const CommandResult& r) { results.push_back(r); });
    return results;
  }
  std::string golden_ = std::string(CLOISTER_SOURCE_DIR) + "/tests/wasm/golden";
  Script script_;
};

TEST_F(SpecRunner, EveryAssertionKindCanPassAndFail) {
  auto r = run(R"(
    {"type": "module", "line": 1, "filename": "fuel_sufficient.wasm"},
    {"type": "assert_return", "line": 2, "action": {"type": "invoke", "field": "run", "args": []},
     "expected": [{"type": "i32", "value": "1000"}]},
    {"type": "assert_return", "line": 3, "action": {"type": "invoke", "field": "run", "args": []},
     "expected": [{"type": "i32", "value": "999"}]},
    {"type": "assert_trap", "line": 4, "action": {"type": "invoke", "field": "run", "args": []},
     "text": "unreachable", "expected": [{"type": "i32"}]},
    {"type": "module", "line": 5, "filename": "trap_div_zero.wasm"},
    {"type": "assert_trap", "line": 6, "action": {"type": "invoke", "field": "run", "args": []},
     "text": "integer divide by zero", "expected": [{"type": "i32"}]},
    {"type": "assert_trap", "line": 7, "action": {"type": "invoke", "field": "run", "args": []},
     "text": "integer overflow", "expected": [{"type": "i32"}]},
    {"type": "assert_exhaustion", "line": 8, "action": {"type": "invoke", "field": "run", "args": []},
     "text": "call stack exhausted", "expected": [{"type": "i32"}]},
    {"type": "assert_invalid", "line": 9, "filename": "invalid_type_mismatch.wasm", "text": "type mismatch", "module_type": "binary"},
    {"type": "assert_invalid", "line": 10, "filename": "trap_div_zero.wasm", "text": "x", "module_type": "binary"},
    {"type": "assert_invalid", "line": 11, "filename": "malformed_magic.wasm", "text": "x", "module_type": "binary"},
    {"type": "assert_malformed", "line": 12, "filename": "malformed_magic.wasm", "text": "magic header", "module_type": "binary"},
    {"type": "assert_malformed", "line": 13, "filename": "trap_div_zero.wasm", "text": "x", "module_type": "binary"},
    {"type": "assert_malformed", "line": 14, "filename": "x.wat", "text": "x", "module_type": "text"},
    {"type": "assert_uninstantiable", "line": 15, "filename": "trap_in_start.wasm", "text": "unreachable", "module_type": "binary"},
    {"type": "assert_uninstantiable", "line": 16, "filename": "trap_div_zero.wasm", "text": "unreachable", "module_type": "binary"},
    {"type": "assert_unlinkable", "line": 17, "filename": "trap_div_zero.wasm", "text": "unknown import", "module_type": "binary"},
    {"type": "module", "line": 18, "filename": "malformed_magic.wasm"},
    {"type": "action", "line": 19, "action": {"type": "invoke", "field": "run", "args": []}},
    {"type": "register", "line": 20, "as": "m"}
  )");
  const Verdict P = Verdict::Passed, F = Verdict::Failed, S = Verdict::Skipped;
  const std::vector<Verdict> want = {P, P, F, F, P, P, F, F, P, F, F, P, F, S, P, F, F, F, F, F};
  ASSERT_EQ(r.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(r[i].verdict, want[i]) << "line " << r[i].command->line << ": " << r[i].detail;
  }
  // Commands using a module that did not load say which one and why.
  EXPECT_NE(r[18].detail.find("line 18 did not load"), std::string::npos) << r[18].detail;
}

TEST_F(SpecRunner, SpectestHostModuleLinks) {
  // A module importing one spectest export of each kind (wat2wasm output of
  // the text below; the golden folder has no module with imports).
  fs::path dir = fs::temp_directory_path() / ("spec_run_test_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  // (module (import "spectest" "print_i32" (func (param i32)))
  //         (import "spectest" "global_i32" (global i32))
  //         (import "spectest" "table" (table 10 funcref))
  //         (import "spectest" "memory" (memory 1 2))
  //         (func (export "g") (result i32) global.get 0))
  const unsigned char bytes[] = {
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x09, 0x02, 0x60, 0x01, 0x7f,
      0x00, 0x60, 0x00, 0x01, 0x7f, 0x02, 0x54, 0x04, 0x08, 0x73, 0x70, 0x65, 0x63, 0x74,
      0x65, 0x73, 0x74, 0x09, 0x70, 0x72, 0x69, 0x6e, 0x74, 0x5f, 0x69, 0x33, 0x32, 0x00,
      0x00, 0x08, 0x73, 0x70, 0x65, 0x63, 0x74, 0x65, 0x73, 0x74, 0x0a, 0x67, 0x6c, 0x6f,
      0x62, 0x61, 0x6c, 0x5f, 0x69, 0x33, 0x32, 0x03, 0x7f, 0x00, 0x08, 0x73, 0x70, 0x65,
      0x63, 0x74, 0x65, 0x73, 0x74, 0x05, 0x74, 0x61, 0x62, 0x6c, 0x65, 0x01, 0x70, 0x00,
      0x0a, 0x08, 0x73, 0x70, 0x65, 0x63, 0x74, 0x65, 0x73, 0x74, 0x06, 0x6d, 0x65, 0x6d,
      0x6f, 0x72, 0x79, 0x02, 0x01, 0x01, 0x02, 0x03, 0x02, 0x01, 0x01, 0x07, 0x05, 0x01,
      0x01, 0x67, 0x00, 0x01, 0x0a, 0x06, 0x01, 0x04, 0x00, 0x23, 0x00, 0x0b};
  std::ofstream(dir / "spectest.wasm", std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes), sizeof bytes);
  golden_ = dir.string();
  auto r = run(R"(
    {"type": "module", "line": 1, "filename": "spectest.wasm"},
    {"type": "assert_return", "line": 2, "action": {"type": "invoke", "field": "g", "args": []},
     "expected": [{"type": "i32", "value": "666"}]})");
  fs::remove_all(dir);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].verdict, Verdict::Passed) << r[0].detail;
  EXPECT_EQ(r[1].verdict, Verdict::Passed) << r[1].detail;
}

}  // namespace
}  // namespace cloister::specrun
