// SPDX-License-Identifier: Apache-2.0
//
// The CRL logic of the SNP chain, in isolation, with a CA made by the test
// (no AMD KDS CRL with a revoked entry exists to test against), plus what
// happens when such CRLs are given to the real verifier.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "attest/snp_chain.h"
#include "snp_test_util.h"

namespace cloister::attest::snp {
namespace {

using namespace testing;

x509::PkeyPtr new_key() {
  return x509::PkeyPtr(EVP_EC_gen("P-256"));
}

// A certificate for `cn` signed by `issuer_key` (self-signed when issuer is null).
x509::X509Ptr make_cert(const std::string& cn, long serial, EVP_PKEY* subject_key,
                        const X509* issuer, EVP_PKEY* issuer_key, bool ca) {
  x509::X509Ptr cert(X509_new());
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert.get(),
                       issuer ? X509_get_subject_name(issuer) : X509_get_subject_name(cert.get()));
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600);
  X509_set_pubkey(cert.get(), subject_key);
  if (ca) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer ? const_cast<X509*>(issuer) : cert.get(), cert.get(), nullptr,
                   nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, NID_basic_constraints, "CA:TRUE");
    X509_add_ext(cert.get(), ext, -1);
    X509_EXTENSION_free(ext);
  }
  EXPECT_GT(X509_sign(cert.get(), issuer_key, EVP_sha256()), 0);
  return cert;
}

x509::CrlPtr make_crl(const X509* issuer, EVP_PKEY* key, std::vector<long> revoked,
                      long next_update_offset = 3600) {
  x509::CrlPtr crl(X509_CRL_new());
  X509_CRL_set_version(crl.get(), 1);
  X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(issuer));
  ASN1_TIME* now = X509_gmtime_adj(nullptr, -60);
  ASN1_TIME* next = X509_gmtime_adj(nullptr, next_update_offset);
  X509_CRL_set1_lastUpdate(crl.get(), now);
  X509_CRL_set1_nextUpdate(crl.get(), next);
  for (long serial : revoked) {
    X509_REVOKED* r = X509_REVOKED_new();
    ASN1_INTEGER* s = ASN1_INTEGER_new();
    ASN1_INTEGER_set(s, serial);
    X509_REVOKED_set_serialNumber(r, s);
    X509_REVOKED_set_revocationDate(r, now);
    X509_CRL_add0_revoked(crl.get(), r);
    ASN1_INTEGER_free(s);
  }
  X509_CRL_sort(crl.get());
  EXPECT_GT(X509_CRL_sign(crl.get(), key, EVP_sha256()), 0);
  ASN1_TIME_free(now);
  ASN1_TIME_free(next);
  return crl;
}

Bytes crl_der(const X509_CRL* crl) {
  unsigned char* der = nullptr;
  int len = i2d_X509_CRL(crl, &der);
  Bytes out(der, der + len);
  OPENSSL_free(der);
  return out;
}

struct TestPki {
  x509::PkeyPtr root_key = new_key(), mid_key = new_key(), leaf_key = new_key();
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
  auto other_key = new_key();
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
  in.crls = {crl_der(make_crl(pki.root.get(), pki.root_key.get(), {}).get())};
  Verification v = verify(read_evidence(c.at("evidence")), in);
  EXPECT_EQ(kinds(v), std::set{FailureKind::CertChainInvalid}) << describe(v);
  in.crls = {Bytes{1, 2, 3}};
  v = verify(read_evidence(c.at("evidence")), in);
  EXPECT_EQ(kinds(v), std::set{FailureKind::Malformed}) << describe(v);
}

}  // namespace
}  // namespace cloister::attest::snp
