// SPDX-License-Identifier: Apache-2.0
//
// Running the end-to-end tests on every backend: which ones this machine
// offers, asked the way a user would (`cloister platform info --json`).
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/cli_runner.h"

namespace cloister::testing {

// The backends the end-to-end tests run on.
inline std::vector<std::string> test_backends() { return {"nil", "kvm"}; }

// "" when `backend` can run keeps here; otherwise the reasons
// `cloister platform info` gives (for GTEST_SKIP).
inline std::string backend_unavailable(const std::string& backend) {
  static std::map<std::string, std::string> cache;
  if (auto it = cache.find(backend); it != cache.end()) return it->second;
  std::string why = "cloister platform info does not list " + backend;
  RunResult r = run_cloister({"platform", "info", "--json"});
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  if (r.exit_code != 0 || j.is_discarded()) {
    why = "cloister platform info failed: " + r.err;
  } else {
    for (const auto& b : j["backends"]) {
      if (b["name"] != backend) continue;
      why.clear();
      if (!b["available"].get<bool>()) {
        why = "the " + backend + " backend cannot run here:";
        for (const auto& reason : b["reasons"]) why += " " + reason.get<std::string>() + ";";
      }
    }
  }
  cache[backend] = why;
  return why;
}

// Test parameter names: "nil", "kvm".
inline std::string backend_name(const ::testing::TestParamInfo<std::string>& info) {
  return info.param;
}

}  // namespace cloister::testing
