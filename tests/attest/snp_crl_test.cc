// SPDX-License-Identifier: Apache-2.0
//
// The CRL logic of the SNP chain, in isolation, with a CA made by the test
// (no AMD KDS CRL with a revoked entry exists to test against), plus what
// happens when such CRLs are given to the real verifier.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <ctime>

#include "attest/snp_chain.h"
#include "snp_test_util.h"
#include "test_pki.h"

namespace cloister::attest::snp {
namespace {

using namespace testing;

// A certificate for `cn` signed by `issuer_key` (self-signed when issuer is null).
x509::X509Ptr make_cert(const std::string& cn, long serial, EVP_PKEY* subject_key,
                        const X509* issuer, EVP_PKEY* issuer_key, bool ca) {
  const time_t now = std::time(nullptr);
  x509::X509Ptr cert =
      test_pki::unsigned_cert(cn, serial, subject_key, issuer, now - 3600, now + 3600);
  if (ca) test_pki::add_ext(cert.get(), issuer, NID_basic_constraints, "CA:TRUE");
  EXPECT_GT(X509_sign(cert.get(), issuer_key, EVP_sha256()), 0);
  return cert;
}

x509::CrlPtr make_crl(const X509* issuer, EVP_PKEY* key, std::vector<long> revoked,
                      long next_update_offset = 3600) {
  const time_t now = std::time(nullptr);
  x509::CrlPtr crl = test_pki::unsigned_crl(issuer, revoked, now - 60, now + next_update_offset);
  EXPECT_GT(X509_CRL_sign(crl.get(), key, EVP_sha256()), 0);
  return crl;
}

struct TestPki {
  x509::PkeyPtr root_key = test_pki::new_p256_key(), mid_key = test_pki::new_p256_key(),
                leaf_key = test_pki::new_p256_key();
  x509::X509Ptr root = make_cert("Test Root", 1, root_key.get(), nullptr, root_key.get(), true);
  x509::X509Ptr mid = make_cert("Test CA", 2, mid_key.get(), root.get(), root_key.get(), true);
  x509::X509Ptr leaf = make_cert("Test Leaf", 77, leaf_key.get(), mid.get(), mid_key.get(), false);
  std::vector<const X509*> chain() const { return {leaf.get(), mid.get(), root.get()}; }
};

std::set<FailureKind> run(const TestPki& pki, std::vector<const X509_CRL*> crls,
                          std::vector<Window>* windows = nullptr) {
  std::vector<Failure> failures;
  std::vector<Window> w;
  check_crls(pki.chain(), crls, &failures, windows ? windows : &w);
  std::set<FailureKind> out;
  for (const auto& f : failures) out.insert(f.kind);
  return out;
}

TEST(SnpCrl, RevokedIntermediateAndLeaf) {
  TestPki pki;
  auto root_crl = make_crl(pki.root.get(), pki.root_key.get(), {2});  // revokes the CA
  auto mid_crl = make_crl(pki.mid.get(), pki.mid_key.get(), {77});    // revokes the leaf
  EXPECT_EQ(run(pki, {root_crl.get()}), std::set{FailureKind::Revoked});
  EXPECT_EQ(run(pki, {mid_crl.get()}), std::set{FailureKind::Revoked});
  std::vector<Failure> failures;
  std::vector<Window> windows;
  const auto chain = pki.chain();
  const X509_CRL* both[] = {root_crl.get(), mid_crl.get()};
  check_crls(chain, both, &failures, &windows);
  ASSERT_EQ(failures.size(), 2u);
  EXPECT_NE(failures[0].message.find("'Test CA'"), std::string::npos) << failures[0].message;
  EXPECT_NE(failures[1].message.find("'Test Leaf'"), std::string::npos) << failures[1].message;
}

TEST(SnpCrl, CrlListingOtherSerialsRevokesNothing) {
  TestPki pki;
  auto crl = make_crl(pki.root.get(), pki.root_key.get(), {3, 4, 77});
  std::vector<Window> windows;
  EXPECT_TRUE(run(pki, {crl.get()}, &windows).empty());
  ASSERT_EQ(windows.size(), 1u);
  EXPECT_EQ(windows[0].collateral_name, "crl");
}

TEST(SnpCrl, ForgedOrForeignCrlIsRejected) {
  TestPki pki;
  auto other_key = test_pki::new_p256_key();
  // Right issuer name, wrong key: the revocation list cannot be trusted.
  auto forged = make_crl(pki.root.get(), other_key.get(), {});
  EXPECT_EQ(run(pki, {forged.get()}), std::set{FailureKind::CertChainInvalid});
  // A CRL from a CA outside the chain.
  auto stranger = make_cert("Stranger CA", 9, other_key.get(), nullptr, other_key.get(), true);
  auto foreign = make_crl(stranger.get(), other_key.get(), {2});
  EXPECT_EQ(run(pki, {foreign.get()}), std::set{FailureKind::CertChainInvalid});
}

TEST(SnpCrl, CrlWindowIsCheckedAtTheVerificationTime) {
  TestPki pki;
  auto crl = make_crl(pki.root.get(), pki.root_key.get(), {}, 60);
  std::vector<Window> windows;
  EXPECT_TRUE(run(pki, {crl.get()}, &windows).empty());
  ASSERT_EQ(windows.size(), 1u);
  std::vector<Failure> failures;
  check_windows(windows, std::chrono::system_clock::now(), &failures);
  EXPECT_TRUE(failures.empty());
  check_windows(windows, std::chrono::system_clock::now() + std::chrono::hours(2), &failures);
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0].kind, FailureKind::Expired);
  check_windows(windows, std::chrono::system_clock::now() - std::chrono::hours(2), &failures);
  ASSERT_EQ(failures.size(), 2u);
  EXPECT_EQ(failures[1].kind, FailureKind::NotYetValid);
}

TEST(SnpCrl, RealChainRejectsCrlsNotFromAmd) {
  SNP_REQUIRE_EVIDENCE();
  TestPki pki;
  nlohmann::json c = find_case("gsg-milan-v2");
  VerifyInputs in = inputs_for(c);
  in.crls = {test_pki::crl_der(make_crl(pki.root.get(), pki.root_key.get(), {}).get())};
  Verification v = verify(read_evidence(c.at("evidence")), in);
  EXPECT_EQ(kinds(v), std::set{FailureKind::CertChainInvalid}) << describe(v);
  in.crls = {Bytes{1, 2, 3}};
  v = verify(read_evidence(c.at("evidence")), in);
  EXPECT_EQ(kinds(v), std::set{FailureKind::Malformed}) << describe(v);
}

}  // namespace
}  // namespace cloister::attest::snp
