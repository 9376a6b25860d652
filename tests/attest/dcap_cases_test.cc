// SPDX-License-Identifier: Apache-2.0
//
// Every SGX/TDX case of the shared evidence must give exactly its expected
// outcome, TCB status, advisories, QE TCB status, TDX module and claims at
// its verify_at time.
#include <set>
#include <string>

#include "attest/verify.h"
#include "dcap_test_util.h"

namespace cloister::attest::dcap {
namespace {

using testing::intel_cases;

// Failure kinds as the cases spell them; "tcb_info_not_yet_valid" is the
// not_yet_valid failure of the TCB Info.
bool failure_is(const Failure& f, const std::string& name) {
  if (name == "tcb_info_not_yet_valid")
    return f.kind == FailureKind::NotYetValid && f.message.rfind("tcb_info:", 0) == 0;
  return to_string(f.kind) == name;
}

// skip_checks: checks the case's data cannot support (see the test data README).
bool skipped(const Failure& f, const nlohmann::json& skip_checks) {
  for (const auto& s : skip_checks) {
    if (s == "pck_crl" && f.kind == FailureKind::CollateralMissing &&
        f.message.rfind("pck_crl:", 0) == 0)
      return true;
    if (s == "root_ca_crl_validity" &&
        (f.kind == FailureKind::Expired || f.kind == FailureKind::NotYetValid) &&
        f.message.rfind("root_ca_crl:", 0) == 0)
      return true;
  }
  return false;
}

std::string describe(const std::vector<Failure>& failures) {
  std::string s;
  for (const auto& f : failures) s += std::string(to_string(f.kind)) + ": " + f.message + "\n";
  return s;
}

class DcapCaseTest : public ::testing::TestWithParam<nlohmann::json> {};

TEST_P(DcapCaseTest, GivesExpectedOutcomeAndClaims) {
  CLOISTER_REQUIRE_EVIDENCE();
  const nlohmann::json& c = GetParam();
  const auto quote = testing::case_quote(c);
  ASSERT_FALSE(quote.empty());
  VerifyInputs inputs{testing::case_collateral(c), testing::case_time(c)};
  Verification v = verify(quote, inputs);

  std::vector<Failure> remaining;
  for (const auto& f : v.failures)
    if (!skipped(f, c["skip_checks"])) remaining.push_back(f);

  const std::string expect = c["expect"];
  if (expect == "verified") {
    EXPECT_TRUE(remaining.empty()) << describe(remaining);
    EXPECT_EQ(v.claims.tcb_status, c["tcb_status"].get<std::string>());
    EXPECT_EQ(v.claims.details["tcb_status"], c["tcb_status"]);
    EXPECT_EQ(v.claims.advisories, c["advisories"].get<std::vector<std::string>>());
    EXPECT_EQ(v.claims.details["advisories"], c["advisories"]);
    EXPECT_EQ(v.claims.details["collateral_info"], c["collateral_info"]);
  } else {
    bool found = false;
    for (const auto& f : remaining) {
      found = found || failure_is(f, expect);
      bool allowed = failure_is(f, expect);
      for (const auto& also : c["also_failing"]) allowed = allowed || failure_is(f, also);
      EXPECT_TRUE(allowed) << "unexpected failure " << to_string(f.kind) << ": " << f.message;
    }
    EXPECT_TRUE(found) << "expected " << expect << ", got:\n" << describe(remaining);
  }
  if (!c["qe_tcb_status"].is_null()) {
    EXPECT_EQ(v.claims.details["qe_tcb_status"], c["qe_tcb_status"]);
  }
  if (c["platform"] == "tdx" && expect != "tcb_info_signature_invalid") {
    EXPECT_EQ(v.claims.details["tdx_module"], c["tdx_module"]);
  }

  // Every claim of the case, with exactly its encoding.
  for (const auto& [key, value] : c["claims"].items()) {
    ASSERT_TRUE(v.claims.details.contains(key)) << "missing claim " << key;
    EXPECT_EQ(v.claims.details[key], value) << "claim " << key;
  }
  EXPECT_EQ(v.claims.platform, c["platform"] == "sgx" ? Platform::Sgx : Platform::Tdx);
  EXPECT_TRUE(v.claims.confidential);
  EXPECT_EQ(v.claims.debug, c["claims"]["debug"].get<bool>());
  EXPECT_EQ(v.claims.signing_key, "pck");
  EXPECT_EQ(v.claims.report_data.size(), 64u);
  EXPECT_EQ(v.claims.cpu.fmspc.size(), 6u);
  if (c["claims"]["trailing_bytes"].get<int>() > 0) {
    EXPECT_FALSE(v.notes.empty());
  }
}

// Decoding alone (as `attest show` does) gives the same quote claims.
TEST_P(DcapCaseTest, ShowClaimsMatchWithoutVerification) {
  CLOISTER_REQUIRE_EVIDENCE();
  const nlohmann::json& c = GetParam();
  const auto quote = testing::case_quote(c);
  std::vector<std::string> notes;
  auto parsed = parse_quote(quote, &notes);
  ASSERT_TRUE(parsed) << parsed.error().message();
  Claims claims = claims_from_quote(*parsed, quote);
  for (const auto& [key, value] : c["claims"].items())
    EXPECT_EQ(claims.details[key], value) << "claim " << key;
  EXPECT_EQ(notes.empty(), c["claims"]["trailing_bytes"].get<int>() == 0);
}

// The cached verifier gives the same result on repeated calls.
TEST_P(DcapCaseTest, CachedVerifierIsStable) {
  CLOISTER_REQUIRE_EVIDENCE();
  const nlohmann::json& c = GetParam();
  const auto quote = testing::case_quote(c);
  DcapVerifier verifier(testing::case_collateral(c));
  auto first = verifier.verify(quote, testing::case_time(c));
  auto second = verifier.verify(quote, testing::case_time(c));
  ASSERT_EQ(first.failures.size(), second.failures.size());
  for (size_t i = 0; i < first.failures.size(); ++i)
    EXPECT_EQ(first.failures[i].message, second.failures[i].message);
  EXPECT_EQ(first.claims.details, second.claims.details);
}

std::string case_name(const ::testing::TestParamInfo<nlohmann::json>& info) {
  std::string id = info.param["id"];
  for (char& ch : id)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return id;
}

INSTANTIATE_TEST_SUITE_P(IntelCases, DcapCaseTest, ::testing::ValuesIn(intel_cases()), case_name);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(DcapCaseTest);

TEST(DcapCases, AllFifteenIntelCasesPresent) {
  CLOISTER_REQUIRE_EVIDENCE();
  EXPECT_EQ(intel_cases().size(), 15u);
}

}  // namespace
}  // namespace cloister::attest::dcap
