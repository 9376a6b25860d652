// SPDX-License-Identifier: Apache-2.0
//
// The command script of one spec-test file, as WABT's wast2json writes it
// (see testdata/wasm-spec/README.md). Parsing turns the JSON into plain
// structs once, so the runner never touches JSON and every malformed field is
// reported with the command's line instead of surfacing mid-run.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"

namespace cloister::specrun {

// A value in an action's arguments or an assertion's expected results.
struct ScriptValue {
  enum class Type : uint8_t { I32, I64, F32, F64, V128, FuncRef, ExternRef };
  // How an expected value is matched. Arguments are always Exact or Null.
  enum class Pattern : uint8_t {
    Exact,          // numbers: these bits; externref: host value `bits`
    Null,           // a null reference
    AnyNonNull,     // a reference with no "value": any non-null one
    CanonicalNan,   // "nan:canonical"
    ArithmeticNan,  // "nan:arithmetic"
    Unspecified,    // assert_trap/assert_exhaustion list result types only
  };
  Type type = Type::I32;
  Pattern pattern = Pattern::Exact;
  uint64_t bits = 0;
};

const char* to_string(ScriptValue::Type t);
// "i32:42", "f32:nan:canonical", "externref:null", ... for failure messages.
std::string describe(const ScriptValue& v);

struct Action {
  enum class Type : uint8_t { Invoke, Get };
  Type type = Type::Invoke;
  std::optional<std::string> module;  // a registered-by-name module, else the current one
  std::string field;                  // export name (UTF-8)
  std::vector<ScriptValue> args;
};

struct Command {
  enum class Type : uint8_t {
    Module,
    Register,
    Action,
    AssertReturn,
    AssertTrap,
    AssertExhaustion,
    AssertInvalid,
    AssertMalformed,
    AssertUnlinkable,
    AssertUninstantiable,
  };
  Type type = Type::Module;
  int line = 0;
  std::string filename;             // module file, relative to the JSON's folder
  bool text_module = false;         // module_type "text": needs a text parser
  std::optional<std::string> name;  // module: its $name; register: the module to register
  std::string as;                   // register: the import module name
  std::string text;                 // assert_*: the reference interpreter's message
  std::optional<Action> action;
  std::vector<ScriptValue> expected;
};

const char* to_string(Command::Type t);

struct Script {
  std::string source_filename;
  std::vector<Command> commands;
};

// Parses a wast2json document. Errors name the command index and line.
Result<Script> parse_script(const std::string& json_text);

}  // namespace cloister::specrun
