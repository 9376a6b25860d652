// SPDX-License-Identifier: Apache-2.0
//
// Every SEV-SNP case of the shared evidence (real reports and certificates
// from public projects) gives exactly its expected outcome and claims.
#include <gtest/gtest.h>

#include "attest/snp.h"
#include "snp_test_util.h"

namespace cloister::attest::snp {
namespace {

using namespace testing;

FailureKind kind_named(const std::string& name) {
  for (int k = 0; k <= static_cast<int>(FailureKind::Unsupported); ++k)
    if (to_string(static_cast<FailureKind>(k)) == name) return static_cast<FailureKind>(k);
  ADD_FAILURE() << "unknown failure kind " << name;
  return FailureKind::Unsupported;
}

void check_case(const nlohmann::json& c, const Verification& v) {
  const std::string expect = c.at("expect");
  const std::set<FailureKind> got = kinds(v);
  if (expect == "verified") {
    EXPECT_TRUE(v.verified()) << describe(v);
  } else {
    // We run every check, so the expected kind must be among those reported,
    // and nothing outside `expect` + `also_failing` may be.
    std::set<FailureKind> allowed = {kind_named(expect)};
    for (const auto& k : c.at("also_failing")) allowed.insert(kind_named(k));
    EXPECT_TRUE(got.contains(kind_named(expect))) << "missing " << expect << "\n" << describe(v);
    for (FailureKind k : got)
      EXPECT_TRUE(allowed.contains(k)) << "unexpected " << to_string(k) << "\n" << describe(v);
  }

  // Claims: exactly the case's keys and values, plus our signing_cert.
  nlohmann::json details = v.claims.details;
  ASSERT_TRUE(details.contains("signing_cert"));
  nlohmann::json signing_cert = details["signing_cert"];
  details.erase("signing_cert");
  EXPECT_EQ(details, c.at("claims"))
      << "got " << details.dump(1) << "\nwant " << c.at("claims").dump(1);
  nlohmann::json want_cert = c.at("signing_cert");
  want_cert.erase("file");
  EXPECT_EQ(signing_cert, want_cert);

  // Typed claims agree with the details.
  EXPECT_EQ(v.claims.platform, Platform::SevSnp);
  EXPECT_TRUE(v.claims.confidential);
  EXPECT_EQ(v.claims.cpu.vendor, "AMD");
  EXPECT_EQ(v.claims.cpu.product, c.at("claims").at("product").get<std::string>());
  EXPECT_EQ(v.claims.cpu.product_name,
            c.at("signing_cert").at("extensions").at("productName").get<std::string>());
  EXPECT_EQ(v.claims.signing_key, c.at("claims").at("signing_key").get<std::string>());
  EXPECT_EQ(v.claims.vmpl, c.at("claims").at("vmpl").get<uint32_t>());
  EXPECT_EQ(v.claims.debug, c.at("claims").at("policy_decoded").at("flags").dump().find("DEBUG") !=
                                std::string::npos);
  const auto& components = c.at("claims").at("reported_tcb_components");
  EXPECT_EQ(v.claims.tcb.at("bootloader"), components.at("bl").get<uint64_t>());
  EXPECT_EQ(v.claims.tcb.at("snp"), components.at("snp").get<uint64_t>());
  EXPECT_EQ(v.claims.tcb.at("microcode"), components.at("ucode").get<uint64_t>());
  EXPECT_EQ(v.claims.tcb.contains("fmc"), components.contains("fmc"));
  EXPECT_EQ(v.claims.measurements.at("measurement").size(), 48u);
}

TEST(SnpCases, EveryCaseGivesItsExpectationAndClaims) {
  SNP_REQUIRE_EVIDENCE();
  const auto cases = snp_cases();
  ASSERT_EQ(cases.size(), 17u);
  Verifier cached;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.at("id").get<std::string>());
    const Bytes report = read_evidence(c.at("evidence"));
    const VerifyInputs in = inputs_for(c);
    check_case(c, verify(report, in));
    // The caching verifier gives the same answer, first and second time.
    check_case(c, cached.verify(report, in));
    check_case(c, cached.verify(report, in));
  }
}

TEST(SnpCases, ShowClaimsFromTheReportAlone) {
  SNP_REQUIRE_EVIDENCE();
  for (const auto& c : snp_cases()) {
    SCOPED_TRACE(c.at("id").get<std::string>());
    std::vector<std::string> notes;
    auto report = parse_report(read_evidence(c.at("evidence")), &notes);
    ASSERT_TRUE(report.has_value()) << report.error().message();
    EXPECT_TRUE(notes.empty()) << notes.front();
    Claims claims = claims_from_report(*report);
    nlohmann::json want = c.at("claims");
    if (report->version == 2) {
      // Without the VCEK's productName a v2 report does not say its product.
      EXPECT_TRUE(claims.details.at("product").is_null());
      want["product"] = nullptr;
    }
    EXPECT_EQ(claims.details, want);
    EXPECT_EQ(claims_from_report(*report, product_from_name("Milan-B0")).details.at("product"),
              report->version == 2 ? "Milan" : want.at("product"));
  }
}

TEST(SnpCases, AzureHclReportsHoldTheReportAt0x20) {
  SNP_REQUIRE_EVIDENCE();
  int azure = 0;
  for (const auto& c : snp_cases()) {
    for (const auto& extra : c.at("extra_files")) {
      SCOPED_TRACE(extra.get<std::string>());
      const Bytes hcl = read_evidence(extra);
      auto inner = report_from_azure_hcl(hcl);
      ASSERT_TRUE(inner.has_value()) << inner.error().message();
      const Bytes report = read_evidence(c.at("evidence"));
      EXPECT_TRUE(std::equal(inner->begin(), inner->end(), report.begin(), report.end()));
      EXPECT_TRUE(verify(*inner, inputs_for(c)).verified());
      // REPORT_DATA binds the HCL runtime data (the vTPM key JSON).
      auto parts = parse_azure_hcl(hcl);
      ASSERT_TRUE(parts.has_value()) << parts.error().message();
      auto parsed = parse_report(parts->report, nullptr);
      ASSERT_TRUE(parsed.has_value());
      EXPECT_GT(parts->runtime_data.size(), 100u);
      EXPECT_EQ(parts->runtime_data[0], '{');
      auto bound = check_azure_runtime_data(*parts, *parsed);
      EXPECT_TRUE(bound.has_value()) << bound.error().message();
      Bytes altered = hcl;
      altered[0x4d4 + 10] ^= 1;
      auto altered_parts = parse_azure_hcl(altered);
      ASSERT_TRUE(altered_parts.has_value());
      EXPECT_FALSE(check_azure_runtime_data(*altered_parts, *parsed).has_value());
      EXPECT_FALSE(parse_azure_hcl(std::span(hcl).first(0x4d4 + 10)).has_value());
      ++azure;
    }
  }
  EXPECT_EQ(azure, 5);
  EXPECT_FALSE(report_from_azure_hcl(read_evidence("snp/gsg-milan-v2/report.bin")).has_value());
}

}  // namespace
}  // namespace cloister::attest::snp
