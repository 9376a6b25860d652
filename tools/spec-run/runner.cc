// SPDX-License-Identifier: Apache-2.0
#include "runner.h"

#include <map>
#include <optional>
#include <string_view>
#include <vector>

#include "base/file.h"
#include "spectest.h"
#include "values.h"
#include "wasm/decoder.h"
#include "wasm/runtime.h"
#include "wasm/validator.h"

namespace cloister::specrun {
namespace {

using namespace cloister::wasm;

bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

std::string describe_values(std::span<const Value> values) {
  std::string s = "(";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) s += ' ';
    s += values[i].to_string();
  }
  return s + ")";
}

std::string describe_expected(const std::vector<ScriptValue>& values) {
  std::string s = "(";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) s += ' ';
    s += describe(values[i]);
  }
  return s + ")";
}

// A module slot: either an instance, or the reason it failed to load, so that
// commands using a module that did not load fail with that reason.
struct ModuleSlot {
  Instance* instance = nullptr;
  std::string failure;  // set when the module did not load
  int line = 0;
};

class ScriptRunner {
 public:
  ScriptRunner(const std::string& dir, const RunOptions& options)
      : dir_(dir), options_(options), store_(options.limits) {}

  Result<void> init() { return define_spectest(store_, imports_, options_.print_spectest); }

  CommandResult run(const Command& c) {
    CommandResult r;
    r.command = &c;
    if (c.text_module) {
      r.verdict = Verdict::Skipped;
      r.detail = "module in the text format (no text parser)";
      if (c.type == Command::Type::Module) {
        set_current(c, ModuleSlot{nullptr, "module in the text format was skipped", c.line});
      }
      return r;
    }
    Result<void> outcome = dispatch(c, r);
    if (!outcome) {
      r.verdict = Verdict::Failed;
      r.detail = outcome.error().message();
    } else if (r.message_mismatch && options_.strict_messages) {
      r.verdict = Verdict::Failed;
    }
    return r;
  }

 private:
  Result<void> dispatch(const Command& c, CommandResult& r) {
    switch (c.type) {
      case Command::Type::Module:
        return run_module(c);
      case Command::Type::Register:
        return run_register(c);
      case Command::Type::Action: {
        auto out = perform(*c.action);
        if (!out) return fail(out.failure().message());
        return ok();
      }
      case Command::Type::AssertReturn:
        return assert_return(c);
      case Command::Type::AssertTrap:
        return assert_failure(c, FailureKind::Trap, "trap");
      case Command::Type::AssertExhaustion:
        return assert_failure(c, FailureKind::Exhaustion, "exhaustion");
      case Command::Type::AssertInvalid:
        return assert_invalid(c, r);
      case Command::Type::AssertMalformed:
        return assert_malformed(c, r);
      case Command::Type::AssertUnlinkable:
        return assert_unlinkable(c, r);
      case Command::Type::AssertUninstantiable:
        return assert_uninstantiable(c);
    }
    return fail("unknown command");
  }

  Result<std::vector<uint8_t>> read_module_file(const Command& c) {
    return read_file(dir_ + "/" + c.filename, options_.limits.max_module_size + 1);
  }

  void set_current(const Command& c, ModuleSlot slot) {
    current_ = slot;
    if (c.name) named_[*c.name] = slot;
  }

  Result<void> run_module(const Command& c) {
    auto instance = load_and_instantiate(c);
    if (!instance) {
      set_current(c, ModuleSlot{nullptr, instance.error().message(), c.line});
      return fail("module ", c.filename, " failed to load: ", instance.error().message());
    }
    set_current(c, ModuleSlot{*instance, {}, c.line});
    return ok();
  }

  Result<Instance*> load_and_instantiate(const Command& c) {
    CLOISTER_TRY_ASSIGN(auto bytes, read_module_file(c));
    CLOISTER_TRY_ASSIGN(ModuleHandle module, load_module(bytes, options_.limits));
    store_.set_fuel(options_.fuel);
    auto instance = instantiate(store_, module, imports_.resolver());
    if (!instance) return Unexpected(instance.error());
    return *instance;
  }

  // The module an action or register names, or the current one.
  Result<Instance*> find_instance(const std::optional<std::string>& name) {
    const ModuleSlot* slot = &current_;
    if (name) {
      auto it = named_.find(*name);
      if (it == named_.end()) return fail("no module named ", *name);
      slot = &it->second;
    }
    if (slot->instance) return slot->instance;
    if (slot->line == 0 && slot->failure.empty()) return fail("no module has been defined");
    return fail("the module of line ", slot->line, " did not load: ", slot->failure);
  }

  Result<void> run_register(const Command& c) {
    CLOISTER_TRY_ASSIGN(Instance * instance, find_instance(c.name));
    imports_.define_instance(c.as, *instance);
    return ok();
  }

  Outcome<std::vector<Value>> perform(const Action& a) {
    auto instance = find_instance(a.module);
    if (!instance) return Failure::error(instance.error().message());
    if (a.type == Action::Type::Get) {
      GlobalInst* g = (*instance)->exported_global(a.field);
      if (!g) return Failure::error("no exported global \"" + a.field + "\"");
      return std::vector<Value>{g->get()};
    }
    FuncInst* f = (*instance)->exported_func(a.field);
    if (!f) return Failure::error("no exported function \"" + a.field + "\"");
    std::vector<Value> args;
    for (const ScriptValue& sv : a.args) {
      auto v = to_engine_value(sv);
      if (!v) return Failure::error(v.error().message());
      args.push_back(*v);
    }
    store_.set_fuel(options_.fuel);
    return invoke(*f, args);
  }

  static std::string describe_action(const Action& a) {
    std::string s = a.type == Action::Type::Get ? "get \"" : "invoke \"";
    s += a.field;
    s += '"';
    if (a.type == Action::Type::Invoke) s += describe_expected(a.args);
    return s;
  }

  Result<void> assert_return(const Command& c) {
    auto out = perform(*c.action);
    if (!out) {
      return fail(describe_action(*c.action), ": ", out.failure().message(), ", expected ",
                  describe_expected(c.expected));
    }
    const std::vector<Value>& got = *out;
    bool same = got.size() == c.expected.size();
    for (size_t i = 0; same && i < got.size(); ++i) same = matches(got[i], c.expected[i]);
    if (!same) {
      return fail(describe_action(*c.action), ": got ", describe_values(got), ", expected ",
                  describe_expected(c.expected));
    }
    return ok();
  }

  Result<void> assert_failure(const Command& c, FailureKind kind, const char* what) {
    auto out = perform(*c.action);
    if (out) {
      return fail(describe_action(*c.action), ": returned ", describe_values(*out), ", expected ",
                  what, " \"", c.text, "\"");
    }
    const Failure& f = out.failure();
    if (f.kind != kind || !contains(f.reason, c.text)) {
      return fail(describe_action(*c.action), ": ", f.message(), ", expected ", what, " \"", c.text,
                  "\"");
    }
    return ok();
  }

  void check_message(CommandResult& r, const Command& c, const std::string& message) {
    if (contains(message, c.text)) return;
    r.message_mismatch = true;
    r.detail = "message \"" + message + "\" does not contain \"" + c.text + "\"";
  }

  Result<void> assert_invalid(const Command& c, CommandResult& r) {
    CLOISTER_TRY_ASSIGN(auto bytes, read_module_file(c));
    auto module = decode_module(bytes, options_.limits);
    if (!module) {
      return fail("expected invalid \"", c.text,
                  "\" but decoding failed: ", module.error().message());
    }
    auto valid = validate_module(*module, options_.limits);
    if (valid) return fail("expected invalid \"", c.text, "\" but the module validated");
    check_message(r, c, valid.error().message());
    return ok();
  }

  Result<void> assert_malformed(const Command& c, CommandResult& r) {
    CLOISTER_TRY_ASSIGN(auto bytes, read_module_file(c));
    auto module = decode_module(bytes, options_.limits);
    if (!module) {
      check_message(r, c, module.error().message());
      return ok();
    }
    auto valid = validate_module(*module, options_.limits);
    if (valid)
      return fail("expected malformed \"", c.text, "\" but the module decoded and validated");
    check_message(r, c, valid.error().message());
    return ok();
  }

  Result<void> assert_unlinkable(const Command& c, CommandResult& r) {
    CLOISTER_TRY_ASSIGN(auto bytes, read_module_file(c));
    CLOISTER_TRY_ASSIGN(ModuleHandle module, load_module(bytes, options_.limits));
    store_.set_fuel(options_.fuel);
    auto instance = instantiate(store_, module, imports_.resolver());
    if (instance) return fail("expected unlinkable \"", c.text, "\" but it instantiated");
    const Failure& f = instance.failure();
    if (f.kind != FailureKind::Link) {
      return fail("expected link error \"", c.text, "\", got ", f.message());
    }
    check_message(r, c, f.reason);
    return ok();
  }

  Result<void> assert_uninstantiable(const Command& c) {
    CLOISTER_TRY_ASSIGN(auto bytes, read_module_file(c));
    CLOISTER_TRY_ASSIGN(ModuleHandle module, load_module(bytes, options_.limits));
    store_.set_fuel(options_.fuel);
    auto instance = instantiate(store_, module, imports_.resolver());
    if (instance) return fail("expected uninstantiable \"", c.text, "\" but it instantiated");
    const Failure& f = instance.failure();
    if (f.kind != FailureKind::Trap || !contains(f.reason, c.text)) {
      return fail("expected trap \"", c.text, "\" while instantiating, got ", f.message());
    }
    return ok();
  }

  std::string dir_;
  const RunOptions& options_;
  Store store_;
  ImportMap imports_;
  ModuleSlot current_;
  std::map<std::string, ModuleSlot> named_;
};

}  // namespace

void run_script(const Script& script, const std::string& dir, const RunOptions& options,
                const ResultSink& sink) {
  ScriptRunner runner(dir, options);
  auto init = runner.init();
  for (const Command& c : script.commands) {
    if (!init) {
      CommandResult r;
      r.verdict = Verdict::Failed;
      r.command = &c;
      r.detail = "spectest module could not be created: " + init.error().message();
      sink(r);
      continue;
    }
    sink(runner.run(c));
  }
}

}  // namespace cloister::specrun
