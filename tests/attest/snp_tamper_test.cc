// SPDX-License-Identifier: Apache-2.0
//
// Negative tests on real data: flipped bits, wrong certificates, wrong roots,
// wrong times, malformed reports.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "attest/snp.h"
#include "snp_test_util.h"

namespace cloister::attest::snp {
namespace {

using namespace testing;

// Flipping any bit of the signed part of a positive report must fail
// verification. One Verifier caches the chain so each flip costs one ECDSA
// verify.
void flip_every_signed_bit(const std::string& id) {
  const nlohmann::json c = find_case(id);
  ASSERT_EQ(c.at("expect"), "verified");
  const Bytes report = read_evidence(c.at("evidence"));
  const VerifyInputs in = inputs_for(c);
  Verifier verifier;
  ASSERT_TRUE(verifier.verify(report, in).verified());
  Bytes tampered = report;
  size_t accepted = 0;
  for (size_t bit = 0; bit < kSignedSize * 8; ++bit) {
    tampered[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    Verification v = verifier.verify(tampered, in);
    if (v.verified()) {
      ++accepted;
      ADD_FAILURE() << id << ": flipping bit " << bit % 8 << " of byte 0x" << std::hex << bit / 8
                    << " still verifies";
    }
    tampered[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
  }
  EXPECT_EQ(accepted, 0u);
  // Flips of SIGNING_KEY or CPUID make other (failing) chains; the rest reuse one.
  EXPECT_LE(verifier.cached_chains(), 40u);
}

TEST(SnpTamper, EveryBitOfTheSignedPartOfAMilanReport) {
  SNP_REQUIRE_EVIDENCE();
  flip_every_signed_bit("trustee-milan-v2");
}

TEST(SnpTamper, EveryBitOfTheSignedPartOfATurinReport) {
  SNP_REQUIRE_EVIDENCE();
  flip_every_signed_bit("mstav-turin-v5");
}

TEST(SnpTamper, SignatureBytesAreChecked) {
  SNP_REQUIRE_EVIDENCE();
  const nlohmann::json c = find_case("mstav-genoa-v3");
  Bytes report = read_evidence(c.at("evidence"));
  const VerifyInputs in = inputs_for(c);
  for (size_t offset : {kSignatureOffset, kSignatureOffset + 47, kSignatureOffset + 72,
                        kSignatureOffset + 72 + 47}) {
    Bytes t = report;
    t[offset] ^= 0x01;
    EXPECT_EQ(kinds(verify(t, in)), std::set{FailureKind::ReportSignatureInvalid})
        << "offset " << offset;
  }
}

TEST(SnpChain, OnlyTheVcekIsNeeded) {
  SNP_REQUIRE_EVIDENCE();
  for (const char* id :
       {"gsg-milan-v2", "mstav-genoa-v3", "mstav-turin-v5", "trustee-milan-v3-vlek"}) {
    SCOPED_TRACE(id);
    nlohmann::json c = find_case(id);
    VerifyInputs in = inputs_for(c);
    in.certs.resize(1);
    Verification v = verify(read_evidence(c.at("evidence")), in);
    EXPECT_TRUE(v.verified()) << describe(v);
    EXPECT_EQ(v.claims.collateral.size(), 3u);
  }
}

TEST(SnpChain, KdsCertChainBundleIsAccepted) {
  SNP_REQUIRE_EVIDENCE();
  nlohmann::json c = find_case("mstav-milan-v3");
  VerifyInputs in = inputs_for(c);
  // KDS serves ASK and ARK in one PEM file.
  Bytes bundle = read_evidence("roots/amd-milan-ask.pem");
  Bytes ark = read_evidence("roots/amd-milan-ark.pem");
  bundle.insert(bundle.end(), ark.begin(), ark.end());
  in.certs = {in.certs[0], bundle};
  Verification v = verify(read_evidence(c.at("evidence")), in);
  EXPECT_TRUE(v.verified()) << describe(v);
}

TEST(SnpChain, WrongVcek) {
  SNP_REQUIRE_EVIDENCE();
  // A genuine Milan report with the genuine VCEK of another Milan chip.
  nlohmann::json c = find_case("virtee-milan-v2");
  VerifyInputs in = inputs_for(c);
  in.certs[0] = read_evidence("snp/gsg-milan-v2/vcek.der");
  Verification v = verify(read_evidence(c.at("evidence")), in);
  EXPECT_TRUE(kinds(v).contains(FailureKind::ReportSignatureInvalid)) << describe(v);
  EXPECT_TRUE(kinds(v).contains(FailureKind::ChipIdMismatch)) << describe(v);
  EXPECT_FALSE(kinds(v).contains(FailureKind::CertChainInvalid)) << describe(v);
}

TEST(SnpChain, WrongProductsAsk) {
  SNP_REQUIRE_EVIDENCE();
  nlohmann::json c = find_case("gsg-milan-v2");
  VerifyInputs in = inputs_for(c);
  in.certs[1] = read_evidence("roots/amd-genoa-ask.pem");
  Verification v = verify(read_evidence(c.at("evidence")), in);
  EXPECT_EQ(kinds(v), std::set{FailureKind::CertChainInvalid}) << describe(v);
  // The ASVK where the ASK belongs.
  in = inputs_for(c);
  in.certs[1] = read_evidence("roots/amd-milan-asvk.pem");
  v = verify(read_evidence(c.at("evidence")), in);
  EXPECT_EQ(kinds(v), std::set{FailureKind::CertChainInvalid}) << describe(v);
}

TEST(SnpChain, RootMustBeThePinnedArk) {
  SNP_REQUIRE_EVIDENCE();
  nlohmann::json c = find_case("mstav-turin-v5");
  const Bytes report = read_evidence(c.at("evidence"));
  // The ASK, another product's ARK and the VCEK itself given as the root.
  for (const Bytes& root :
       {read_evidence("roots/amd-turin-ask.pem"), read_evidence("roots/amd-genoa-ark.pem"),
        read_evidence("snp/mstav-turin-v5/vcek.der")}) {
    VerifyInputs in = inputs_for(c);
    in.certs[2] = root;
    Verification v = verify(report, in);
    EXPECT_EQ(kinds(v), std::set{FailureKind::CertChainInvalid}) << describe(v);
  }
  // A fourth certificate is refused too.
  VerifyInputs in = inputs_for(c);
  in.certs.push_back(read_evidence("roots/amd-turin-ark.pem"));
  EXPECT_EQ(kinds(verify(report, in)), std::set{FailureKind::CertChainInvalid});
}

TEST(SnpChain, ProductMismatchBetweenReportAndVcek) {
  SNP_REQUIRE_EVIDENCE();
  // A Genoa report (CPUID family 19h model 11h) with a Milan VCEK and chain.
  nlohmann::json c = find_case("mstav-genoa-v3");
  VerifyInputs in = inputs_for(find_case("mstav-milan-v3"));
  in.at = at(c.at("verify_at"));
  Verification v = verify(read_evidence(c.at("evidence")), in);
  EXPECT_TRUE(kinds(v).contains(FailureKind::CertChainInvalid)) << describe(v);
  EXPECT_TRUE(kinds(v).contains(FailureKind::ReportSignatureInvalid)) << describe(v);
}

TEST(SnpChain, ValidityIsCheckedAtTheGivenTime) {
  SNP_REQUIRE_EVIDENCE();
  nlohmann::json c = find_case("gsg-milan-v2");  // VCEK 2022-09-24..2029-09-24
  const Bytes report = read_evidence(c.at("evidence"));
  VerifyInputs in = inputs_for(c);
  Verifier verifier;
  in.at = at("2029-09-24T00:55:28Z");
  EXPECT_TRUE(verifier.verify(report, in).verified());
  in.at = at("2029-09-24T00:55:29Z");
  Verification v = verifier.verify(report, in);
  EXPECT_EQ(kinds(v), std::set{FailureKind::Expired}) << describe(v);
  in.at = at("2022-09-24T00:55:27Z");
  v = verifier.verify(report, in);
  EXPECT_EQ(kinds(v), std::set{FailureKind::NotYetValid}) << describe(v);
  in.at = at("2050-01-01T00:00:00Z");  // ARK and ASK expired too
  v = verifier.verify(report, in);
  EXPECT_EQ(v.failures.size(), 3u) << describe(v);
  EXPECT_EQ(verifier.cached_chains(), 1u);  // the time is not part of the cached chain
}

TEST(SnpChain, MissingOrMalformedCertificates) {
  SNP_REQUIRE_EVIDENCE();
  nlohmann::json c = find_case("gsg-milan-v2");
  const Bytes report = read_evidence(c.at("evidence"));
  VerifyInputs in = inputs_for(c);
  in.certs.clear();
  Verification v = verify(report, in);
  EXPECT_EQ(kinds(v), std::set{FailureKind::CollateralMissing}) << describe(v);
  EXPECT_EQ(v.claims.details.at("measurement"), c.at("claims").at("measurement"));
  in.certs = {Bytes{0x30, 0x03, 0x02, 0x01, 0x00}};
  EXPECT_EQ(kinds(verify(report, in)), std::set{FailureKind::Malformed});
  // A VLEK for a report that says it is VCEK-signed.
  in = inputs_for(c);
  in.certs = {read_evidence("snp/trustee-milan-v3-vlek/vlek.der")};
  v = verify(report, in);
  EXPECT_TRUE(kinds(v).contains(FailureKind::CertChainInvalid)) << describe(v);
  EXPECT_TRUE(kinds(v).contains(FailureKind::ReportSignatureInvalid)) << describe(v);
}

TEST(SnpReportBytes, TruncatedOversizedAndUnknownVersions) {
  SNP_REQUIRE_EVIDENCE();
  nlohmann::json c = find_case("trustee-e2e-genoa-v3");
  const Bytes report = read_evidence(c.at("evidence"));
  const VerifyInputs in = inputs_for(c);
  for (size_t len : {size_t{0}, size_t{4}, kSignedSize, kReportSize - 1}) {
    Verification v = verify(std::span(report).first(len), in);
    EXPECT_EQ(kinds(v), std::set{FailureKind::Malformed}) << len;
  }
  Bytes longer = report;
  longer.resize(report.size() + 100, 0xaa);
  Verification v = verify(longer, in);
  EXPECT_TRUE(v.verified()) << describe(v);
  ASSERT_EQ(v.notes.size(), 1u);
  EXPECT_NE(v.notes[0].find("100 trailing bytes"), std::string::npos) << v.notes[0];

  for (uint8_t version : {0, 1, 4, 6, 255}) {
    Bytes t = report;
    t[0] = version;
    v = verify(t, in);
    EXPECT_EQ(kinds(v), std::set{FailureKind::Unsupported}) << int{version};
    EXPECT_NE(v.failures[0].message.find("VERSION"), std::string::npos);
  }
}

// One Verifier shared by threads verifying different reports (some tampered):
// each gets its own answer and the chains are cached once each.
TEST(SnpVerifier, ConcurrentUse) {
  SNP_REQUIRE_EVIDENCE();
  Verifier verifier;
  std::atomic<int> wrong{0};
  auto worker = [&](const std::string& id, bool tamper) {
    const nlohmann::json c = find_case(id);
    Bytes report = read_evidence(c.at("evidence"));
    if (tamper) report[0x90] ^= 0x80;  // MEASUREMENT
    const VerifyInputs in = inputs_for(c);
    for (int i = 0; i < 20; ++i)
      if (verifier.verify(report, in).verified() == tamper) ++wrong;
  };
  std::thread a(worker, "mstav-milan-v3", false), b(worker, "mstav-genoa-v3", true),
      d(worker, "mstav-turin-v5", false);
  a.join();
  b.join();
  d.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(verifier.cached_chains(), 3u);
}

}  // namespace
}  // namespace cloister::attest::snp
