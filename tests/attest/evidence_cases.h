// SPDX-License-Identifier: Apache-2.0
//
// The shared evidence test data (CLOISTER_TESTDATA_DIR/evidence): where it is
// and the entries of its cases.json, for every test that walks those cases.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/file.h"

namespace cloister::evidence_cases {

inline std::filesystem::path evidence_dir() {
  return std::filesystem::path(CLOISTER_TESTDATA_DIR) / "evidence";
}

inline bool have_evidence() {
  return std::filesystem::exists(evidence_dir() / "cases.json");
}

// Every entry of cases.json; empty when the test data is absent.
inline std::vector<nlohmann::json> all_cases() {
  std::vector<nlohmann::json> out;
  auto text = read_text_file((evidence_dir() / "cases.json").string());
  if (!text) return out;
  for (const auto& c : nlohmann::json::parse(*text)) out.push_back(c);
  return out;
}

}  // namespace cloister::evidence_cases
