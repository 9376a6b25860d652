// SPDX-License-Identifier: Apache-2.0
//
// Shared helpers for the SEV-SNP tests: the shared evidence folder and its
// cases.json.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "attest/snp.h"
#include "base/file.h"
#include "base/time.h"
#include "evidence_cases.h"

namespace cloister::attest::snp::testing {

using evidence_cases::evidence_dir;
using evidence_cases::have_evidence;

#define SNP_REQUIRE_EVIDENCE()                                          \
  do {                                                                  \
    if (!::cloister::attest::snp::testing::have_evidence())             \
      GTEST_SKIP() << "shared attestation evidence not found under "    \
                   << ::cloister::attest::snp::testing::evidence_dir(); \
  } while (0)

inline Bytes read_evidence(const std::string& relative) {
  auto data = read_file((evidence_dir() / relative).string());
  EXPECT_TRUE(data.has_value()) << relative << ": " << (data ? "" : data.error().message());
  return data ? *data : Bytes{};
}

inline TimePoint at(const std::string& rfc3339) {
  auto t = parse_rfc3339(rfc3339);
  EXPECT_TRUE(t.has_value()) << rfc3339;
  return t ? *t : TimePoint{};
}

// The SNP entries of cases.json.
inline std::vector<nlohmann::json> snp_cases() {
  std::vector<nlohmann::json> out;
  for (const auto& c : evidence_cases::all_cases())
    if (c.at("platform") == "snp") out.push_back(c);
  return out;
}

inline nlohmann::json find_case(const std::string& id) {
  for (const auto& c : snp_cases())
    if (c.at("id") == id) return c;
  ADD_FAILURE() << "no case " << id;
  return {};
}

inline VerifyInputs inputs_for(const nlohmann::json& c) {
  VerifyInputs in;
  for (const auto& path : c.at("certs")) in.certs.push_back(read_evidence(path));
  in.at = at(c.at("verify_at"));
  return in;
}

inline std::set<FailureKind> kinds(const Verification& v) {
  std::set<FailureKind> out;
  for (const auto& f : v.failures) out.insert(f.kind);
  return out;
}

inline std::string describe(const Verification& v) {
  std::string out;
  for (const auto& f : v.failures)
    out += "  [" + std::string(to_string(f.kind)) + "] " + f.message + "\n";
  return out.empty() ? "  (no failures)\n" : out;
}

}  // namespace cloister::attest::snp::testing
