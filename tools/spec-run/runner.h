// SPDX-License-Identifier: Apache-2.0
//
// Executes the commands of one spec-test script against the engine, in order,
// with the state the script format implies: one Store per script, the
// `spectest` host module, the current module, modules named with `$name`, and
// the modules `register`ed for import.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "script.h"
#include "wasm/limits.h"

namespace cloister::specrun {

struct RunOptions {
  // Instruction budget of every action, start function and initialiser, so
  // that an engine bug cannot hang the run (the suite needs far less).
  uint64_t fuel = 100'000'000;
  bool print_spectest = false;
  // Also fail assert_invalid/malformed/unlinkable when the engine's message
  // does not contain the reference interpreter's text.
  bool strict_messages = false;
  wasm::EngineLimits limits;
};

enum class Verdict : uint8_t { Passed, Failed, Skipped };

struct CommandResult {
  Verdict verdict = Verdict::Passed;
  const Command* command = nullptr;
  std::string detail;  // why it failed or was skipped
  // The category matched but the message did not contain the expected text
  // (only reported; a failure under strict_messages).
  bool message_mismatch = false;
};

using ResultSink = std::function<void(const CommandResult&)>;

// Runs every command of `script`; module files are read relative to `dir`.
// `sink` is called once per command, right after it ran.
void run_script(const Script& script, const std::string& dir, const RunOptions& options,
                const ResultSink& sink);

}  // namespace cloister::specrun
