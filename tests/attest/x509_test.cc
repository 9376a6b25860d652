// SPDX-License-Identifier: Apache-2.0
//
// The X.509 helpers against a test PKI built here (root → CA → leaf, CRLs),
// so that each chain failure (expiry, signature, unpinned root, revocation,
// CRL problems) is exercised in isolation, plus the real Intel root.
#include "attest/x509.h"

#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <algorithm>

#include "attest/dcap.h"
#include "base/hex.h"
#include "base/time.h"
#include "test_pki.h"

namespace cloister::attest::x509 {
namespace {

TimePoint t(const char* rfc3339) {
  return *parse_rfc3339(rfc3339);
}

time_t to_time_t(TimePoint tp) {
  return std::chrono::system_clock::to_time_t(tp);
}

struct TestCa {
  PkeyPtr key;
  X509Ptr cert;
};

// A certificate for `cn` with a fresh P-256 key, signed by `issuer` (self-signed when null).
TestCa make_cert(const std::string& cn, const TestCa* issuer, bool ca, long serial,
                 TimePoint not_before = t("2020-01-01T00:00:00Z"),
                 TimePoint not_after = t("2040-01-01T00:00:00Z")) {
  TestCa out;
  out.key = test_pki::new_p256_key();
  out.cert =
      test_pki::unsigned_cert(cn, serial, out.key.get(), issuer ? issuer->cert.get() : nullptr,
                              to_time_t(not_before), to_time_t(not_after));
  X509* c = out.cert.get();
  test_pki::add_ext(c, issuer ? issuer->cert.get() : nullptr, NID_basic_constraints,
                    ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
  X509_sign(c, issuer ? issuer->key.get() : out.key.get(), EVP_sha256());
  return out;
}

CrlPtr make_crl(const TestCa& issuer, std::vector<long> revoked, TimePoint this_update,
                TimePoint next_update, EVP_PKEY* signing_key = nullptr) {
  CrlPtr crl = test_pki::unsigned_crl(issuer.cert.get(), revoked, to_time_t(this_update),
                                      to_time_t(next_update));
  X509_CRL_sign(crl.get(), signing_key ? signing_key : issuer.key.get(), EVP_sha256());
  return crl;
}

bool has(const std::vector<Failure>& fs, FailureKind k) {
  return std::any_of(fs.begin(), fs.end(), [&](const Failure& f) { return f.kind == k; });
}

std::string all(const std::vector<Failure>& fs) {
  std::string s;
  for (const auto& f : fs) s += std::string(to_string(f.kind)) + ": " + f.message + "\n";
  return s;
}

class X509ChainTest : public ::testing::Test {
 protected:
  TestCa root = make_cert("Test Root", nullptr, true, 1);
  TestCa ca = make_cert("Test CA", &root, true, 2);
  TestCa leaf = make_cert("Test Leaf", &ca, false, 77);
  Bytes pin = spki_sha256(root.cert.get());
  ChainOptions opts = [] {
    ChainOptions o;
    o.at = t("2030-06-01T00:00:00Z");
    o.name = "test chain";
    return o;
  }();

  std::vector<Failure> check(std::vector<X509*> chain, const X509* pinned_root = nullptr) {
    return verify_chain(chain, pin, pinned_root, opts);
  }
};

TEST_F(X509ChainTest, ValidChainPasses) {
  auto f = check({leaf.cert.get(), ca.cert.get(), root.cert.get()});
  EXPECT_TRUE(f.empty()) << all(f);
  // The pinned root completes a chain that stops below it.
  f = check({leaf.cert.get(), ca.cert.get()}, root.cert.get());
  EXPECT_TRUE(f.empty()) << all(f);
}

TEST_F(X509ChainTest, RootNotPinnedIsRejected) {
  TestCa other = make_cert("Test Root", nullptr, true, 1);  // same name, other key
  TestCa other_ca = make_cert("Test CA", &other, true, 2);
  TestCa other_leaf = make_cert("Test Leaf", &other_ca, false, 77);
  auto f = check({other_leaf.cert.get(), other_ca.cert.get(), other.cert.get()}, root.cert.get());
  EXPECT_TRUE(has(f, FailureKind::CertChainInvalid)) << all(f);
  // Nor does the real root complete a chain whose CA it did not sign.
  f = check({other_leaf.cert.get(), other_ca.cert.get()}, root.cert.get());
  EXPECT_TRUE(has(f, FailureKind::CertChainInvalid)) << all(f);
}

TEST_F(X509ChainTest, WrongIssuerSignatureIsRejected) {
  TestCa impostor = make_cert("Test CA", &root, true, 2);  // right name, different key
  auto f = check({leaf.cert.get(), impostor.cert.get(), root.cert.get()});
  ASSERT_TRUE(has(f, FailureKind::CertChainInvalid)) << all(f);
  EXPECT_NE(f.front().message.find("certificate 0"), std::string::npos) << all(f);
}

TEST_F(X509ChainTest, LeafUsedAsIssuerIsRejected) {
  TestCa under_leaf = make_cert("Below Leaf", &leaf, false, 5);
  auto f = check({under_leaf.cert.get(), leaf.cert.get(), ca.cert.get(), root.cert.get()});
  EXPECT_TRUE(has(f, FailureKind::CertChainInvalid)) << all(f);
}

TEST_F(X509ChainTest, ExpiredAndNotYetValidAreNamed) {
  TestCa old_leaf =
      make_cert("Old Leaf", &ca, false, 9, t("2020-01-01T00:00:00Z"), t("2025-01-01T00:00:00Z"));
  auto f = check({old_leaf.cert.get(), ca.cert.get(), root.cert.get()});
  ASSERT_EQ(f.size(), 1u) << all(f);
  EXPECT_EQ(f[0].kind, FailureKind::Expired);
  EXPECT_NE(f[0].message.find("Old Leaf"), std::string::npos);
  TestCa future = make_cert("Future Leaf", &ca, false, 10, t("2035-01-01T00:00:00Z"),
                            t("2040-01-01T00:00:00Z"));
  f = check({future.cert.get(), ca.cert.get(), root.cert.get()});
  ASSERT_EQ(f.size(), 1u) << all(f);
  EXPECT_EQ(f[0].kind, FailureKind::NotYetValid);
  // With signatures skipped, only the windows are checked.
  opts.check_signatures = false;
  f = check({old_leaf.cert.get(), ca.cert.get(), root.cert.get()});
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].kind, FailureKind::Expired);
}

TEST_F(X509ChainTest, RevokedLeafAndRevokedCa) {
  CrlPtr ca_crl = make_crl(ca, {76, 77, 78}, t("2030-05-01T00:00:00Z"), t("2030-07-01T00:00:00Z"));
  opts.crls = {ca_crl.get()};
  auto f = check({leaf.cert.get(), ca.cert.get(), root.cert.get()});
  ASSERT_EQ(f.size(), 1u) << all(f);
  EXPECT_EQ(f[0].kind, FailureKind::Revoked);
  EXPECT_NE(f[0].message.find("Test Leaf"), std::string::npos);
  EXPECT_TRUE(is_revoked(ca_crl.get(), leaf.cert.get()));

  CrlPtr root_crl = make_crl(root, {2}, t("2030-05-01T00:00:00Z"), t("2030-07-01T00:00:00Z"));
  CrlPtr clean_ca_crl = make_crl(ca, {5}, t("2030-05-01T00:00:00Z"), t("2030-07-01T00:00:00Z"));
  opts.crls = {clean_ca_crl.get(), root_crl.get()};
  f = check({leaf.cert.get(), ca.cert.get(), root.cert.get()});
  ASSERT_EQ(f.size(), 1u) << all(f);
  EXPECT_EQ(f[0].kind, FailureKind::Revoked);
  EXPECT_NE(f[0].message.find("Test CA"), std::string::npos);
}

TEST_F(X509ChainTest, CrlProblemsAreReported) {
  // Signed by the wrong key: ignored for revocation and reported.
  TestCa other = make_cert("Other", nullptr, true, 3);
  CrlPtr forged =
      make_crl(ca, {77}, t("2030-05-01T00:00:00Z"), t("2030-07-01T00:00:00Z"), other.key.get());
  opts.crls = {forged.get()};
  auto f = check({leaf.cert.get(), ca.cert.get(), root.cert.get()});
  EXPECT_TRUE(has(f, FailureKind::CertChainInvalid)) << all(f);
  EXPECT_FALSE(has(f, FailureKind::Revoked)) << all(f);
  // Issued by a CA outside the chain.
  CrlPtr stranger = make_crl(other, {}, t("2030-05-01T00:00:00Z"), t("2030-07-01T00:00:00Z"));
  opts.crls = {stranger.get()};
  EXPECT_TRUE(
      has(check({leaf.cert.get(), ca.cert.get(), root.cert.get()}), FailureKind::CertChainInvalid));
  // Outside its window, unless CRL windows are not checked.
  CrlPtr stale = make_crl(ca, {}, t("2030-01-01T00:00:00Z"), t("2030-02-01T00:00:00Z"));
  opts.crls = {stale.get()};
  EXPECT_TRUE(has(check({leaf.cert.get(), ca.cert.get(), root.cert.get()}), FailureKind::Expired));
  opts.check_crl_validity = false;
  EXPECT_TRUE(check({leaf.cert.get(), ca.cert.get(), root.cert.get()}).empty());
  auto w = crl_validity(stale.get());
  ASSERT_TRUE(w);
  EXPECT_EQ(format_rfc3339(w->not_after), "2030-02-01T00:00:00Z");
}

TEST(X509, LoadsPemDerAndCrls) {
  TestCa root = make_cert("Root", nullptr, true, 1);
  TestCa ca = make_cert("CA", &root, true, 2);
  std::string pem;
  for (X509* c : {ca.cert.get(), root.cert.get()}) {
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_X509(bio, c);
    char* data = nullptr;
    long len = BIO_get_mem_data(bio, &data);
    pem.append(data, static_cast<size_t>(len));
    BIO_free(bio);
  }
  std::span<const uint8_t> pem_bytes(reinterpret_cast<const uint8_t*>(pem.data()), pem.size());
  auto certs = load_certs(pem_bytes);
  ASSERT_TRUE(certs);
  ASSERT_EQ(certs->size(), 2u);
  EXPECT_EQ(subject_cn((*certs)[0].get()), "CA");
  EXPECT_EQ(issuer_cn((*certs)[0].get()), "Root");
  Bytes der = cert_der(root.cert.get());
  auto one = load_certs(der);
  ASSERT_TRUE(one);
  EXPECT_EQ(cert_sha256((*one)[0].get()), cert_sha256(root.cert.get()));
  EXPECT_TRUE(verify_signed_by(ca.cert.get(), root.cert.get()));
  EXPECT_FALSE(verify_signed_by(root.cert.get(), ca.cert.get()));
  // Garbage and trailing bytes are errors.
  Bytes junk = der;
  junk.push_back(0);
  EXPECT_FALSE(load_cert_der(junk));
  EXPECT_FALSE(load_certs_pem(Bytes{'n', 'o', 'p', 'e'}));
  std::string bad_pem = pem.substr(0, pem.size() * 3 / 4);  // second block cut short
  EXPECT_FALSE(load_certs_pem(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(bad_pem.data()), bad_pem.size())));
  CrlPtr crl = make_crl(ca, {3}, t("2030-01-01T00:00:00Z"), t("2030-02-01T00:00:00Z"));
  auto loaded = load_crl(test_pki::crl_der(crl.get()));
  ASSERT_TRUE(loaded);
  EXPECT_TRUE(verify_crl_signed_by(loaded->get(), ca.cert.get()));
  EXPECT_FALSE(verify_crl_signed_by(loaded->get(), root.cert.get()));
}

TEST(X509, IntelRootIsPinnedByKey) {
  auto roots = load_certs_pem(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(dcap::kIntelSgxRootCaPem),
                               std::char_traits<char>::length(dcap::kIntelSgxRootCaPem)));
  ASSERT_TRUE(roots);
  ASSERT_EQ(roots->size(), 1u);
  const X509* root = (*roots)[0].get();
  EXPECT_EQ(to_hex(spki_sha256(root)), dcap::kIntelRootSpkiSha256);
  EXPECT_EQ(to_hex(cert_sha256(root)),
            "44a0196b2b99f889b8e149e95b807a350e7424964399e885a7cbb8ccfab674d3");
  EXPECT_EQ(subject_cn(root), "Intel SGX Root CA");
  auto v = cert_validity(root);
  ASSERT_TRUE(v);
  EXPECT_EQ(format_rfc3339(v->not_after), "2049-12-31T23:59:59Z");
  auto ext = extension_value(root, "2.5.29.19");  // basicConstraints
  ASSERT_TRUE(ext);
  ASSERT_TRUE(ext->has_value());
  EXPECT_EQ((**ext)[0], 0x30);
  auto none = extension_value(root, "1.2.840.113741.1.13.1");
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->has_value());
  EXPECT_FALSE(extension_value(root, "not an oid"));
}

TEST(X509, P256RawKeysAndSignatures) {
  PkeyPtr key(EVP_EC_gen("P-256"));
  Bytes pub(65);
  size_t len = 0;
  ASSERT_EQ(
      EVP_PKEY_get_octet_string_param(key.get(), "encoded-pub-key", pub.data(), pub.size(), &len),
      1);
  ASSERT_EQ(len, 65u);
  std::span<const uint8_t> xy(pub.data() + 1, 64);
  auto imported = p256_key_from_xy(xy);
  ASSERT_TRUE(imported) << imported.error().message();
  const Bytes msg = {'q', 'u', 'o', 't', 'e'};
  // Sign, convert DER to r||s and verify through the raw path.
  MdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get());
  Bytes der(80);
  size_t der_len = der.size();
  EVP_DigestSign(ctx.get(), der.data(), &der_len, msg.data(), msg.size());
  const unsigned char* p = der.data();
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der_len));
  Bytes rs(64);
  BN_bn2binpad(ECDSA_SIG_get0_r(sig), rs.data(), 32);
  BN_bn2binpad(ECDSA_SIG_get0_s(sig), rs.data() + 32, 32);
  ECDSA_SIG_free(sig);
  EXPECT_TRUE(verify_p256_rs(imported->get(), msg, rs));
  Bytes other = msg;
  other[0] ^= 1;
  EXPECT_FALSE(verify_p256_rs(imported->get(), other, rs));
  rs[10] ^= 0x40;
  EXPECT_FALSE(verify_p256_rs(imported->get(), msg, rs));
  EXPECT_FALSE(verify_p256_rs(imported->get(), msg, Bytes(63)));
  // A point that is not on the curve is refused at import.
  Bytes off_curve(xy.begin(), xy.end());
  off_curve[63] ^= 1;
  EXPECT_FALSE(p256_key_from_xy(off_curve));
  EXPECT_FALSE(p256_key_from_xy(Bytes(64, 0)));
  EXPECT_FALSE(p256_key_from_xy(Bytes(10)));
}

TEST(X509, DerHelpers) {
  // 1.2.840.113741.1.13.1 in DER.
  const Bytes oid = {0x2a, 0x86, 0x48, 0x86, 0xf8, 0x4d, 0x01, 0x0d, 0x01};
  EXPECT_EQ(der_oid_to_text(oid), "1.2.840.113741.1.13.1");
  EXPECT_FALSE(der_oid_to_text(Bytes{0x2a, 0x86}));  // truncated arc
  EXPECT_FALSE(der_oid_to_text(Bytes{}));
  const Bytes tlv = {0x04, 0x02, 0xaa, 0xbb, 0x02, 0x81, 0x01, 0x05};
  ByteReader r(tlv);
  DerTlv a, b;
  ASSERT_TRUE(read_der_tlv(r, &a));
  EXPECT_EQ(a.tag, 0x04);
  EXPECT_EQ(a.value.size(), 2u);
  ASSERT_TRUE(read_der_tlv(r, &b));
  EXPECT_EQ(b.value.size(), 1u);
  EXPECT_TRUE(r.empty());
  const Bytes too_long = {0x04, 0x05, 0x00};
  ByteReader r2(too_long);
  EXPECT_FALSE(read_der_tlv(r2, &a));
  EXPECT_EQ(r2.remaining(), 3u);  // unchanged on failure
  const Bytes indefinite = {0x30, 0x80, 0x00, 0x00};
  ByteReader r3(indefinite);
  EXPECT_FALSE(read_der_tlv(r3, &a));
}

}  // namespace
}  // namespace cloister::attest::x509
