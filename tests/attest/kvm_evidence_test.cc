// SPDX-License-Identifier: Apache-2.0
//
// kvm evidence: create, verify, and every way it must fail.
#include <gtest/gtest.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <memory>

#include "attest/kvm_evidence.h"
#include "base/time.h"

namespace cloister::attest::kvm {
namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
using Key = std::unique_ptr<EVP_PKEY, PkeyFree>;

Key p256() {
  return Key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
}
Key ed25519() {
  return Key(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
}

TimePoint t(const char* s) {
  return *parse_rfc3339(s);
}

CreateInputs inputs() {
  CreateInputs in;
  const uint8_t shim[] = {1, 2, 3}, keep[] = {4, 5}, workload[] = {6};
  in.measurement = measure(shim, keep, workload);
  for (size_t i = 0; i < in.report_data.size(); ++i) in.report_data[i] = static_cast<uint8_t>(i);
  in.timestamp = t("2026-11-27T12:00:00Z");
  return in;
}

bool has_failure(const Verification& v, FailureKind k) {
  for (const auto& f : v.failures)
    if (f.kind == k) return true;
  return false;
}

std::string failures(const Verification& v) {
  std::string s;
  for (const auto& f : v.failures) s += std::string(to_string(f.kind)) + ": " + f.message + "\n";
  return s;
}

class KvmEvidence : public ::testing::TestWithParam<bool> {
 protected:
  Key key() { return GetParam() ? ed25519() : p256(); }
};

TEST_P(KvmEvidence, CreateAndVerify) {
  Key k = key();
  auto ev = create(inputs(), k.get());
  ASSERT_TRUE(ev.has_value()) << ev.error().message();
  auto spki = public_key_der(k.get());
  ASSERT_TRUE(spki.has_value());
  Verification v = verify(*ev, {{*spki}, t("2026-11-27T12:01:00Z")});
  EXPECT_TRUE(v.verified()) << failures(v);
  EXPECT_EQ(v.claims.platform, Platform::Kvm);
  EXPECT_FALSE(v.claims.confidential);
  ASSERT_FALSE(v.claims.labels.empty());
  EXPECT_EQ(v.claims.labels[0], "not confidential: the host can read and modify keep memory");
  const CreateInputs in = inputs();
  EXPECT_EQ(v.claims.measurements.at("measurement"),
            Bytes(in.measurement.begin(), in.measurement.end()));
  EXPECT_EQ(v.claims.report_data, Bytes(in.report_data.begin(), in.report_data.end()));
  EXPECT_EQ(v.claims.signing_key, "kvm-host");
  EXPECT_EQ(v.claims.evidence_time, t("2026-11-27T12:00:00Z"));
  EXPECT_EQ(v.claims.details["signature_algorithm"], GetParam() ? "ed25519" : "ecdsa-p256-sha256");
  EXPECT_EQ(v.claims.details["timestamp"], "2026-11-27T12:00:00Z");
}

TEST_P(KvmEvidence, EverySingleBitFlipInTheSignedPartFails) {
  Key k = key();
  auto ev = create(inputs(), k.get());
  ASSERT_TRUE(ev.has_value());
  auto spki = *public_key_der(k.get());
  auto parsed = parse(*ev);
  ASSERT_TRUE(parsed.has_value());
  for (size_t byte = 0; byte < parsed->signed_size; ++byte) {
    for (int bit = 0; bit < 8; ++bit) {
      Bytes bad = *ev;
      bad[byte] ^= static_cast<uint8_t>(1u << bit);
      Verification v = verify(bad, {{spki}, t("2026-11-27T12:01:00Z")});
      ASSERT_FALSE(v.verified()) << "bit " << bit << " of byte " << byte;
    }
  }
}

TEST_P(KvmEvidence, TamperedSignatureFails) {
  Key k = key();
  Bytes ev = *create(inputs(), k.get());
  auto spki = *public_key_der(k.get());
  ev.back() ^= 0x01;
  Verification v = verify(ev, {{spki}, t("2026-11-27T12:01:00Z")});
  EXPECT_TRUE(has_failure(v, FailureKind::ReportSignatureInvalid) ||
              has_failure(v, FailureKind::Malformed))
      << failures(v);
}

TEST_P(KvmEvidence, UnknownHostKeyIsCertChainInvalid) {
  Key k = key(), other = key();
  Bytes ev = *create(inputs(), k.get());
  Verification v = verify(ev, {{*public_key_der(other.get())}, t("2026-11-27T12:01:00Z")});
  ASSERT_EQ(v.failures.size(), 1u) << failures(v);
  EXPECT_EQ(v.failures[0].kind, FailureKind::CertChainInvalid);
  EXPECT_NE(v.failures[0].message.find("is not one of the 1 trusted host keys"), std::string::npos);
  // Claims are still filled for diagnostics.
  EXPECT_EQ(v.claims.platform, Platform::Kvm);
}

TEST_P(KvmEvidence, NoTrustedKeysIsCollateralMissing) {
  Key k = key();
  Verification v = verify(*create(inputs(), k.get()), {{}, t("2026-11-27T12:01:00Z")});
  ASSERT_EQ(v.failures.size(), 1u);
  EXPECT_EQ(v.failures[0].kind, FailureKind::CollateralMissing);
}

TEST_P(KvmEvidence, ReplacingTheKeyAndSignatureNeedsTrust) {
  // An attacker re-signs the same content with their own key: the signature
  // verifies, but the key is not trusted.
  Key k = key(), attacker = key();
  CreateInputs in = inputs();
  Bytes forged = *create(in, attacker.get());
  Verification v = verify(forged, {{*public_key_der(k.get())}, t("2026-11-27T12:01:00Z")});
  EXPECT_TRUE(has_failure(v, FailureKind::CertChainInvalid)) << failures(v);
  EXPECT_FALSE(has_failure(v, FailureKind::ReportSignatureInvalid)) << failures(v);
}

TEST_P(KvmEvidence, FutureTimestampIsNotYetValid) {
  Key k = key();
  Verification v =
      verify(*create(inputs(), k.get()), {{*public_key_der(k.get())}, t("2026-11-27T11:00:00Z")});
  EXPECT_TRUE(has_failure(v, FailureKind::NotYetValid)) << failures(v);
}

TEST_P(KvmEvidence, TrailingBytesAreNotedAndIgnored) {
  Key k = key();
  Bytes ev = *create(inputs(), k.get());
  ev.insert(ev.end(), {0xde, 0xad});
  Verification v = verify(ev, {{*public_key_der(k.get())}, t("2026-11-27T12:01:00Z")});
  EXPECT_TRUE(v.verified()) << failures(v);
  ASSERT_EQ(v.notes.size(), 1u);
  EXPECT_NE(v.notes[0].find("2 trailing bytes"), std::string::npos);
}

TEST_P(KvmEvidence, EveryTruncationIsMalformed) {
  Key k = key();
  Bytes ev = *create(inputs(), k.get());
  for (size_t n = 0; n < ev.size(); ++n) {
    auto r = parse(std::span<const uint8_t>(ev.data(), n));
    EXPECT_FALSE(r.has_value()) << "prefix of " << n << " bytes parsed";
    Verification v = verify(std::span<const uint8_t>(ev.data(), n), {{}, {}});
    ASSERT_EQ(v.failures.size(), 1u);
    EXPECT_EQ(v.failures[0].kind, FailureKind::Malformed);
  }
}

TEST_P(KvmEvidence, CachingVerifierGivesTheSameResults) {
  Key k = key(), other = key();
  Bytes good = *create(inputs(), k.get());
  Bytes untrusted = *create(inputs(), other.get());
  Bytes tampered = good;
  tampered[20] ^= 1;
  auto spki = *public_key_der(k.get());
  auto verifier = Verifier::create({spki});
  ASSERT_TRUE(verifier.has_value()) << verifier.error().message();
  const TimePoint at = t("2026-11-27T12:01:00Z");
  for (const Bytes* ev : {&good, &untrusted, &tampered}) {
    Verification a = verify(*ev, {{spki}, at});
    Verification b = verifier->verify(*ev, at);
    ASSERT_EQ(a.failures.size(), b.failures.size()) << failures(a) << "\n" << failures(b);
    for (size_t i = 0; i < a.failures.size(); ++i) {
      EXPECT_EQ(a.failures[i].kind, b.failures[i].kind);
      EXPECT_EQ(a.failures[i].message, b.failures[i].message);
    }
    EXPECT_EQ(claims_to_json(a.claims), claims_to_json(b.claims));
  }
  EXPECT_TRUE(verifier->verify(good, at).verified());
  EXPECT_TRUE(has_failure(verifier->verify(untrusted, at), FailureKind::CertChainInvalid));
  EXPECT_TRUE(has_failure(verifier->verify(tampered, at), FailureKind::ReportSignatureInvalid));
}

INSTANTIATE_TEST_SUITE_P(Algorithms, KvmEvidence, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "Ed25519" : "EcdsaP256"; });

TEST(KvmEvidenceFormat, LayoutIsAsDocumented) {
  Key k = p256();
  Bytes ev = *create(inputs(), k.get());
  EXPECT_EQ(std::string(ev.begin(), ev.begin() + 8), "CLSTRKVM");
  EXPECT_EQ(ev[8], 1);   // version
  EXPECT_EQ(ev[10], 1);  // ECDSA P-256
  auto m = inputs().measurement;
  EXPECT_TRUE(std::equal(m.begin(), m.end(), ev.begin() + 16));
  EXPECT_EQ(ev[64], 0);
  EXPECT_EQ(ev[64 + 63], 63);
  auto spki = *public_key_der(k.get());
  EXPECT_EQ(ev[136] | (ev[137] << 8), static_cast<int>(spki.size()));
  EXPECT_TRUE(std::equal(spki.begin(), spki.end(), ev.begin() + 138));
}

TEST(KvmEvidenceFormat, RejectsBadHeaderFields) {
  Key k = p256();
  Bytes good = *create(inputs(), k.get());
  Bytes v2 = good;
  v2[8] = 2;
  EXPECT_NE(parse(v2).error().message().find("version 2"), std::string::npos);
  Bytes alg = good;
  alg[10] = 9;
  EXPECT_NE(parse(alg).error().message().find("unknown signature algorithm 9"), std::string::npos);
  Bytes flags = good;
  flags[12] = 1;
  EXPECT_NE(parse(flags).error().message().find("reserved flags"), std::string::npos);
  Bytes late = good;
  late[128 + 4] = 2;  // timestamp >= 2^33 seconds
  EXPECT_NE(parse(late).error().message().find("is beyond 2242"), std::string::npos);
  Bytes magic = good;
  magic[0] = 'X';
  EXPECT_NE(parse(magic).error().message().find("bad magic"), std::string::npos);
}

TEST(KvmEvidenceFormat, CachingVerifierRejectsBadTrustedKeys) {
  auto v = Verifier::create({Bytes{1, 2, 3}});
  ASSERT_FALSE(v.has_value());
  EXPECT_NE(v.error().message().find("trusted host key #1"), std::string::npos);
  Key p384(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384"));
  EXPECT_FALSE(Verifier::create({*public_key_der(p384.get())}).has_value());
}

TEST(KvmEvidenceFormat, MeasurementSeparatesComponents) {
  const uint8_t ab[] = {'a', 'b'}, a[] = {'a'}, b[] = {'b'};
  EXPECT_NE(measure(ab, {}, {}), measure(a, b, {}));
  EXPECT_EQ(measure(a, b, {}), measure(a, b, {}));
}

TEST(KvmEvidenceFormat, HostKeysLoadFromPemAndDer) {
  Key k = p256();
  Bytes der = *public_key_der(k.get());
  auto from_der = load_host_public_key(der);
  ASSERT_TRUE(from_der.has_value());
  EXPECT_EQ(*from_der, der);
  BIO* bio = BIO_new(BIO_s_mem());
  ASSERT_EQ(PEM_write_bio_PUBKEY(bio, k.get()), 1);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  Bytes pem(data, data + len);
  BIO_free(bio);
  auto from_pem = load_host_public_key(pem);
  ASSERT_TRUE(from_pem.has_value());
  EXPECT_EQ(*from_pem, der);
  const uint8_t junk[] = {1, 2, 3};
  EXPECT_FALSE(load_host_public_key(junk).has_value());
  Key p384(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384"));
  EXPECT_FALSE(create(inputs(), p384.get()).has_value());
}

}  // namespace
}  // namespace cloister::attest::kvm
