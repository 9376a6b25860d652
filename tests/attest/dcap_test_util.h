// SPDX-License-Identifier: Apache-2.0
//
// Shared helpers for the Intel DCAP tests: the shared evidence cases.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "attest/dcap.h"
#include "base/file.h"
#include "base/time.h"
#include "evidence_cases.h"

namespace cloister::attest::dcap::testing {

inline std::string evidence_dir() {
  return evidence_cases::evidence_dir().string();
}

inline bool have_testdata() {
  return evidence_cases::have_evidence();
}

// The Intel (sgx/tdx) entries of cases.json; empty when the test data is absent.
inline std::vector<nlohmann::json> intel_cases() {
  std::vector<nlohmann::json> out;
  for (auto& c : evidence_cases::all_cases())
    if (c["platform"] == "sgx" || c["platform"] == "tdx") out.push_back(c);
  return out;
}

inline nlohmann::json intel_case(const std::string& id) {
  for (auto& c : intel_cases())
    if (c["id"] == id) return c;
  return nullptr;
}

inline std::vector<uint8_t> case_quote(const nlohmann::json& c) {
  auto bytes = read_file(evidence_dir() + "/" + c["evidence"].get<std::string>());
  return bytes ? *bytes : std::vector<uint8_t>{};
}

inline Collateral case_collateral(const nlohmann::json& c) {
  auto col = load_collateral_dir(evidence_dir() + "/" + c["collateral"].get<std::string>());
  return col ? *col : Collateral{};
}

inline TimePoint case_time(const nlohmann::json& c) {
  return *parse_rfc3339(c["verify_at"].get<std::string>());
}

#define CLOISTER_REQUIRE_EVIDENCE()                                                       \
  do {                                                                                    \
    if (!::cloister::attest::dcap::testing::have_testdata())                              \
      GTEST_SKIP() << "shared evidence test data not found under " CLOISTER_TESTDATA_DIR; \
  } while (0)

}  // namespace cloister::attest::dcap::testing
