// SPDX-License-Identifier: Apache-2.0
//
// Policies over the claims of real, verified SEV-SNP reports from the shared
// test data: the seed's example (deny Milan) and the debug guest.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "attest/policy.h"
#include "attest/snp.h"
#include "base/file.h"
#include "base/time.h"
#include "evidence_cases.h"
#include "policy_test_util.h"

namespace cloister::attest {
namespace {

using testing::describe;
using testing::has_rule;
using testing::policy_from;

using evidence_cases::evidence_dir;

struct VerifiedCase {
  std::string id;
  std::string product;
  Claims claims;
};

// Every SNP case that is expected to verify, verified as of its time.
std::vector<VerifiedCase> verified_snp_cases() {
  std::vector<VerifiedCase> out;
  for (const auto& c : evidence_cases::all_cases()) {
    if (c["platform"] != "snp" || c["expect"] != "verified") continue;
    auto report = read_file((evidence_dir() / c["evidence"].get<std::string>()).string());
    EXPECT_TRUE(report.has_value());
    if (!report) continue;
    snp::VerifyInputs in;
    for (const auto& cert : c["certs"]) {
      auto b = read_file((evidence_dir() / cert.get<std::string>()).string());
      EXPECT_TRUE(b.has_value());
      if (b) in.certs.push_back(*b);
    }
    in.at = *parse_rfc3339(c["verify_at"].get<std::string>());
    Verification v = snp::verify(*report, in);
    EXPECT_TRUE(v.verified()) << c["id"] << ": "
                              << (v.failures.empty() ? "" : v.failures[0].message);
    out.push_back({c["id"], c["claims"]["product"], v.claims});
  }
  return out;
}

TEST(PolicyRealEvidence, DenyMilanAcceptsGenoaAndTurinRejectsMilan) {
  if (!evidence_cases::have_evidence())
    GTEST_SKIP() << "shared evidence not found under " << evidence_dir();
  // allow_debug so that the one debug guest (gsg-milan-v2) is judged on the CPU alone.
  Policy p = policy_from("[platforms]\nallow_debug = true\n[cpu]\ndeny_products = [\"Milan\"]\n");
  auto cases = verified_snp_cases();
  ASSERT_EQ(cases.size(), 13u);
  size_t milan = 0, others = 0;
  for (const auto& c : cases) {
    auto d = evaluate(p, c.claims, {*parse_rfc3339("2026-11-27T00:00:00Z"), {}});
    if (c.product == "Milan") {
      ++milan;
      ASSERT_EQ(d.violations.size(), 1u) << c.id << "\n" << describe(d);
      EXPECT_EQ(d.violations[0].rule, "cpu.deny_products") << c.id;
      EXPECT_NE(d.violations[0].message.find("'Milan'"), std::string::npos) << c.id;
    } else {
      ++others;
      EXPECT_TRUE(d.accepted()) << c.id << " (" << c.product << ")\n" << describe(d);
    }
  }
  EXPECT_EQ(milan, 9u);
  EXPECT_EQ(others, 4u);  // two Genoa from trustee, one from ms-tav, and Turin
}

TEST(PolicyRealEvidence, DefaultPolicyRejectsOnlyTheDebugGuest) {
  if (!evidence_cases::have_evidence())
    GTEST_SKIP() << "shared evidence not found under " << evidence_dir();
  for (const auto& c : verified_snp_cases()) {
    auto d = evaluate(Policy{}, c.claims, {*parse_rfc3339("2026-11-27T00:00:00Z"), {}});
    if (c.id == "gsg-milan-v2") {
      EXPECT_TRUE(has_rule(d, "platforms.allow_debug")) << describe(d);
      EXPECT_TRUE(has_rule(evaluate(policy_from("[platforms]\nallow_debug = true\n[snp]\n"
                                                "require_no_debug = true\n"),
                                    c.claims),
                           "snp.require_no_debug"));
    } else {
      EXPECT_TRUE(d.accepted()) << c.id << "\n" << describe(d);
    }
  }
}

TEST(PolicyRealEvidence, TurinMinimumFmcAndTcb) {
  if (!evidence_cases::have_evidence())
    GTEST_SKIP() << "shared evidence not found under " << evidence_dir();
  for (const auto& c : verified_snp_cases()) {
    if (c.id != "mstav-turin-v5") continue;
    // REPORTED_TCB of this report: fmc 1, bl 1, tee 1, snp 4, ucode 81.
    EXPECT_TRUE(
        evaluate(policy_from("[tcb.minimum]\nfmc = 1\nbootloader = 1\nsnp = 4\nmicrocode = 81\n"),
                 c.claims)
            .accepted());
    auto d = evaluate(policy_from("[tcb.minimum]\nfmc = 2\nmicrocode = 82\n"), c.claims);
    EXPECT_TRUE(has_rule(d, "tcb.minimum.fmc")) << describe(d);
    EXPECT_TRUE(has_rule(d, "tcb.minimum.microcode")) << describe(d);
    return;
  }
  FAIL() << "mstav-turin-v5 not among the verified cases";
}

}  // namespace
}  // namespace cloister::attest
