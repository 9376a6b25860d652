// SPDX-License-Identifier: Apache-2.0
//
// Format detection and the dispatcher, over every case of the shared
// evidence and over inputs that are not evidence.
#include <gtest/gtest.h>

#include <openssl/evp.h>

#include <filesystem>
#include <memory>

#include <nlohmann/json.hpp>

#include "attest/evidence.h"
#include "attest/kvm_evidence.h"
#include "base/file.h"
#include "base/time.h"

namespace cloister::attest {
namespace {

namespace fs = std::filesystem;
fs::path evidence_dir() {
  return fs::path(CLOISTER_TESTDATA_DIR) / "evidence";
}

std::vector<nlohmann::json> all_cases() {
  std::vector<nlohmann::json> out;
  auto text = read_text_file((evidence_dir() / "cases.json").string());
  if (!text) return out;
  for (const auto& c : nlohmann::json::parse(*text)) out.push_back(c);
  return out;
}

TEST(EvidenceFormat, NamesRoundTrip) {
  for (auto f :
       {EvidenceFormat::SnpReport, EvidenceFormat::AzureHclReport, EvidenceFormat::DcapQuoteV3,
        EvidenceFormat::DcapQuoteV4, EvidenceFormat::DcapQuoteV5, EvidenceFormat::Kvm}) {
    auto back = parse_evidence_format(to_string(f));
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back, f);
  }
  auto bad = parse_evidence_format("sev");
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().message().find("snp-attestation-report"), std::string::npos);
}

TEST(EvidenceFormat, DetectsEveryCase) {
  auto cases = all_cases();
  if (cases.empty()) GTEST_SKIP() << "shared evidence not found under " << evidence_dir();
  for (const auto& c : cases) {
    auto bytes = read_file((evidence_dir() / c["evidence"].get<std::string>()).string());
    ASSERT_TRUE(bytes.has_value());
    auto f = detect_evidence_format(*bytes);
    ASSERT_TRUE(f.has_value()) << c["id"] << ": " << f.error().message();
    EXPECT_EQ(to_string(*f), c["evidence_format"].get<std::string>()) << c["id"];
    for (const auto& extra : c.value("extra_files", nlohmann::json::array())) {
      auto hcl = read_file((evidence_dir() / extra.get<std::string>()).string());
      ASSERT_TRUE(hcl.has_value());
      EXPECT_EQ(detect_evidence_format(*hcl).value_or(EvidenceFormat::Kvm),
                EvidenceFormat::AzureHclReport)
          << extra;
    }
  }
}

TEST(EvidenceFormat, AzureHclReportVerifiesAndBindsRuntimeData) {
  auto cases = all_cases();
  if (cases.empty()) GTEST_SKIP() << "shared evidence not found under " << evidence_dir();
  size_t seen = 0;
  for (const auto& c : cases) {
    if (c.value("extra_files", nlohmann::json::array()).empty()) continue;
    auto hcl = *read_file((evidence_dir() / c["extra_files"][0].get<std::string>()).string());
    VerifyOptions o;
    for (const auto& cert : c["certs"])
      o.certs.push_back(*read_file((evidence_dir() / cert.get<std::string>()).string()));
    o.at = *parse_rfc3339(c["verify_at"].get<std::string>());
    Verification v = verify_evidence(hcl, std::nullopt, o);
    EXPECT_TRUE(v.verified()) << c["id"];
    EXPECT_EQ(v.claims.details["hcl_runtime_data_bound"], true) << c["id"];
    EXPECT_EQ(v.claims.details["measurement"], c["claims"]["measurement"]) << c["id"];
    ++seen;
  }
  EXPECT_EQ(seen, 5u);
}

TEST(EvidenceFormat, RejectsNonEvidence) {
  EXPECT_NE(detect_evidence_format({}).error().message().find("empty"), std::string::npos);
  const std::string text = "hello, this is not a quote";
  auto r = detect_evidence_format(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message().find("unrecognised evidence format"), std::string::npos);
  // A truncated report is recognised, then fails to decode with a reason.
  Bytes truncated(100, 0);
  truncated[0] = 2;
  truncated[0x34] = 1;  // ECDSA P-384 with SHA-384
  ASSERT_EQ(detect_evidence_format(truncated).value_or(EvidenceFormat::Kvm),
            EvidenceFormat::SnpReport);
  EXPECT_FALSE(show_evidence(truncated).has_value());
  Verification v = verify_evidence(truncated, std::nullopt, {});
  ASSERT_FALSE(v.verified());
  EXPECT_EQ(v.failures[0].kind, FailureKind::Malformed);
}

TEST(EvidenceFormat, ExplicitFormatMustMatch) {
  auto cases = all_cases();
  if (cases.empty()) GTEST_SKIP() << "shared evidence not found under " << evidence_dir();
  auto report = *read_file((evidence_dir() / cases[0]["evidence"].get<std::string>()).string());
  auto r = show_evidence(report, EvidenceFormat::DcapQuoteV4);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message(), "the input is snp-attestation-report, not intel-dcap-quote-v4");
  EXPECT_TRUE(show_evidence(report, EvidenceFormat::SnpReport).has_value());
}

TEST(EvidenceFormat, KvmThroughTheDispatcher) {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"), EVP_PKEY_free);
  kvm::CreateInputs in;
  in.timestamp = *parse_rfc3339("2026-11-27T00:00:00Z");
  Bytes ev = *kvm::create(in, key.get());
  EXPECT_EQ(*detect_evidence_format(ev), EvidenceFormat::Kvm);
  VerifyOptions o;
  o.at = in.timestamp;
  o.kvm_trusted_host_keys.push_back(*kvm::public_key_der(key.get()));
  Verification v = verify_evidence(ev, std::nullopt, o);
  EXPECT_TRUE(v.verified());
  EXPECT_FALSE(v.claims.confidential);
  o.kvm_trusted_host_keys = {Bytes{1, 2, 3}};
  Verification bad = verify_evidence(ev, std::nullopt, o);
  ASSERT_FALSE(bad.verified());
  EXPECT_EQ(bad.failures[0].kind, FailureKind::Malformed);
  EXPECT_NE(bad.failures[0].message.find("trusted host key #1"), std::string::npos);
}

}  // namespace
}  // namespace cloister::attest
