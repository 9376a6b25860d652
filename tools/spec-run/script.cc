// SPDX-License-Identifier: Apache-2.0
#include "script.h"

#include <charconv>
#include <nlohmann/json.hpp>

namespace cloister::specrun {
namespace {

using nlohmann::json;

Result<std::string> get_string(const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) return fail("missing string field \"", key, "\"");
  return it->get<std::string>();
}

std::optional<std::string> get_optional_string(const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

// Integer and float values are unsigned decimal strings of the raw bits.
Result<uint64_t> parse_bits(const std::string& s, uint64_t max) {
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v > max) {
    return fail("bad value \"", s, "\"");
  }
  return v;
}

Result<ScriptValue::Type> parse_type(const std::string& s) {
  using T = ScriptValue::Type;
  if (s == "i32") return T::I32;
  if (s == "i64") return T::I64;
  if (s == "f32") return T::F32;
  if (s == "f64") return T::F64;
  if (s == "v128") return T::V128;
  if (s == "funcref") return T::FuncRef;
  if (s == "externref") return T::ExternRef;
  return fail("unknown value type \"", s, "\"");
}

Result<ScriptValue> parse_value(const json& j) {
  using P = ScriptValue::Pattern;
  using T = ScriptValue::Type;
  if (!j.is_object()) return fail("value is not an object");
  CLOISTER_TRY_ASSIGN(std::string type_name, get_string(j, "type"));
  ScriptValue v;
  CLOISTER_TRY_ASSIGN(v.type, parse_type(type_name));
  auto it = j.find("value");
  if (it == j.end()) {
    v.pattern = (v.type == T::FuncRef || v.type == T::ExternRef) ? P::AnyNonNull : P::Unspecified;
    return v;
  }
  // v128 values are lists of lanes. The engine has no SIMD; the runner fails
  // such commands cleanly, so only the type is kept.
  if (v.type == T::V128) return v;
  if (!it->is_string()) return fail("value of type ", type_name, " is not a string");
  const std::string s = it->get<std::string>();
  if (s == "null" && (v.type == T::FuncRef || v.type == T::ExternRef)) {
    v.pattern = P::Null;
    return v;
  }
  if (v.type == T::F32 || v.type == T::F64) {
    if (s == "nan:canonical") {
      v.pattern = P::CanonicalNan;
      return v;
    }
    if (s == "nan:arithmetic") {
      v.pattern = P::ArithmeticNan;
      return v;
    }
  }
  const bool narrow = v.type == T::I32 || v.type == T::F32;
  CLOISTER_TRY_ASSIGN(v.bits, parse_bits(s, narrow ? 0xffffffffu : UINT64_MAX));
  return v;
}

Result<std::vector<ScriptValue>> parse_values(const json& obj, const char* key) {
  std::vector<ScriptValue> out;
  auto it = obj.find(key);
  if (it == obj.end()) return out;
  if (!it->is_array()) return fail("\"", key, "\" is not an array");
  for (const json& j : *it) {
    auto v = parse_value(j);
    if (!v) return Unexpected(v.error().with_context(key));
    out.push_back(*v);
  }
  return out;
}

Result<Action> parse_action(const json& j) {
  if (!j.is_object()) return fail("action is not an object");
  Action a;
  CLOISTER_TRY_ASSIGN(std::string type, get_string(j, "type"));
  if (type == "invoke") {
    a.type = Action::Type::Invoke;
  } else if (type == "get") {
    a.type = Action::Type::Get;
  } else {
    return fail("unknown action type \"", type, "\"");
  }
  a.module = get_optional_string(j, "module");
  CLOISTER_TRY_ASSIGN(a.field, get_string(j, "field"));
  CLOISTER_TRY_ASSIGN(a.args, parse_values(j, "args"));
  return a;
}

Result<Command::Type> parse_command_type(const std::string& s) {
  using T = Command::Type;
  if (s == "module") return T::Module;
  if (s == "register") return T::Register;
  if (s == "action") return T::Action;
  if (s == "assert_return") return T::AssertReturn;
  if (s == "assert_trap") return T::AssertTrap;
  if (s == "assert_exhaustion") return T::AssertExhaustion;
  if (s == "assert_invalid") return T::AssertInvalid;
  if (s == "assert_malformed") return T::AssertMalformed;
  if (s == "assert_unlinkable") return T::AssertUnlinkable;
  if (s == "assert_uninstantiable") return T::AssertUninstantiable;
  return fail("unknown command type \"", s, "\"");
}

bool takes_module_file(Command::Type t) {
  using T = Command::Type;
  return t == T::Module || t == T::AssertInvalid || t == T::AssertMalformed ||
         t == T::AssertUnlinkable || t == T::AssertUninstantiable;
}

bool takes_action(Command::Type t) {
  using T = Command::Type;
  return t == T::Action || t == T::AssertReturn || t == T::AssertTrap || t == T::AssertExhaustion;
}

Result<Command> parse_command(const json& j) {
  if (!j.is_object()) return fail("command is not an object");
  Command c;
  CLOISTER_TRY_ASSIGN(std::string type, get_string(j, "type"));
  CLOISTER_TRY_ASSIGN(c.type, parse_command_type(type));
  auto line = j.find("line");
  if (line == j.end() || !line->is_number_integer()) return fail("missing \"line\"");
  c.line = line->get<int>();
  c.name = get_optional_string(j, "name");
  c.text = get_optional_string(j, "text").value_or("");
  if (takes_module_file(c.type)) {
    CLOISTER_TRY_ASSIGN(c.filename, get_string(j, "filename"));
    c.text_module = get_optional_string(j, "module_type") == std::optional<std::string>("text");
  }
  if (c.type == Command::Type::Register) {
    CLOISTER_TRY_ASSIGN(c.as, get_string(j, "as"));
  }
  if (takes_action(c.type)) {
    auto it = j.find("action");
    if (it == j.end()) return fail("missing \"action\"");
    CLOISTER_TRY_ASSIGN(c.action, parse_action(*it));
    CLOISTER_TRY_ASSIGN(c.expected, parse_values(j, "expected"));
  }
  return c;
}

}  // namespace

const char* to_string(ScriptValue::Type t) {
  switch (t) {
    case ScriptValue::Type::I32:
      return "i32";
    case ScriptValue::Type::I64:
      return "i64";
    case ScriptValue::Type::F32:
      return "f32";
    case ScriptValue::Type::F64:
      return "f64";
    case ScriptValue::Type::V128:
      return "v128";
    case ScriptValue::Type::FuncRef:
      return "funcref";
    case ScriptValue::Type::ExternRef:
      return "externref";
  }
  return "?";
}

std::string describe(const ScriptValue& v) {
  std::string s = to_string(v.type);
  s += ':';
  switch (v.pattern) {
    case ScriptValue::Pattern::Exact:
      if (v.type == ScriptValue::Type::V128) return s + "<v128>";
      return s + std::to_string(v.bits);
    case ScriptValue::Pattern::Null:
      return s + "null";
    case ScriptValue::Pattern::AnyNonNull:
      return s + "non-null";
    case ScriptValue::Pattern::CanonicalNan:
      return s + "nan:canonical";
    case ScriptValue::Pattern::ArithmeticNan:
      return s + "nan:arithmetic";
    case ScriptValue::Pattern::Unspecified:
      return s + "any";
  }
  return s;
}

const char* to_string(Command::Type t) {
  using T = Command::Type;
  switch (t) {
    case T::Module:
      return "module";
    case T::Register:
      return "register";
    case T::Action:
      return "action";
    case T::AssertReturn:
      return "assert_return";
    case T::AssertTrap:
      return "assert_trap";
    case T::AssertExhaustion:
      return "assert_exhaustion";
    case T::AssertInvalid:
      return "assert_invalid";
    case T::AssertMalformed:
      return "assert_malformed";
    case T::AssertUnlinkable:
      return "assert_unlinkable";
    case T::AssertUninstantiable:
      return "assert_uninstantiable";
  }
  return "?";
}

Result<Script> parse_script(const std::string& json_text) {
  json doc = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return fail("not valid JSON");
  if (!doc.is_object()) return fail("top level is not an object");
  Script script;
  script.source_filename = get_optional_string(doc, "source_filename").value_or("");
  auto cmds = doc.find("commands");
  if (cmds == doc.end() || !cmds->is_array()) return fail("missing \"commands\" array");
  size_t index = 0;
  for (const json& j : *cmds) {
    auto c = parse_command(j);
    if (!c) {
      std::string where = "command " + std::to_string(index);
      auto line = j.is_object() ? j.find("line") : j.end();
      if (j.is_object() && line != j.end() && line->is_number_integer()) {
        where += " (line " + std::to_string(line->get<int>()) + ")";
      }
      return Unexpected(c.error().with_context(where));
    }
    script.commands.push_back(std::move(*c));
    ++index;
  }
  return script;
}

}  // namespace cloister::specrun
