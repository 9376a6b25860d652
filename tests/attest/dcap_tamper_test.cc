// SPDX-License-Identifier: Apache-2.0
//
// Tampering with real quotes and collateral must make verification fail:
// single bit flips in every signed part (sampled so the test stays fast),
// changed TCB Info / QE Identity bytes, collateral outside its window, a
// substitute root certificate, and truncation.
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cstring>

#include "attest/verify.h"
#include "attest/x509.h"
#include "dcap_test_util.h"
#include "test_pki.h"

namespace cloister::attest::dcap {
namespace {

using testing::intel_case;
using testing::intel_cases;

std::vector<nlohmann::json> positive_cases() {
  std::vector<nlohmann::json> out;
  for (auto& c : intel_cases())
    if (c["expect"] == "verified") out.push_back(c);
  return out;
}

// Failures that remain after the case's documented skip_checks.
std::vector<Failure> relevant(const Verification& v, const nlohmann::json& c) {
  std::vector<Failure> out;
  for (const auto& f : v.failures) {
    bool skip = false;
    for (const auto& s : c["skip_checks"]) {
      skip = skip || (s == "pck_crl" && f.message.rfind("pck_crl:", 0) == 0 &&
                      f.kind == FailureKind::CollateralMissing);
      skip = skip || (s == "root_ca_crl_validity" && f.message.rfind("root_ca_crl:", 0) == 0 &&
                      (f.kind == FailureKind::Expired || f.kind == FailureKind::NotYetValid));
    }
    if (!skip) out.push_back(f);
  }
  return out;
}

bool has_kind(const std::vector<Failure>& fs, FailureKind k) {
  return std::any_of(fs.begin(), fs.end(), [&](const Failure& f) { return f.kind == k; });
}

size_t find_bytes(std::span<const uint8_t> hay, std::span<const uint8_t> needle, size_t from = 0) {
  auto it = std::search(hay.begin() + static_cast<std::ptrdiff_t>(from), hay.end(), needle.begin(),
                        needle.end());
  return static_cast<size_t>(it - hay.begin());
}

struct Region {
  const char* name;
  size_t begin, end;
};

// The signed or signature-bearing regions of a quote, as byte offsets.
std::vector<Region> signed_regions(const Quote& q, std::span<const uint8_t> bytes) {
  std::vector<Region> out;
  out.push_back({"header", 0, kHeaderSize});
  out.push_back({"body", kHeaderSize, q.signed_data.size()});
  const size_t sig = q.signed_data.size() + 4;
  out.push_back({"quote signature", sig, sig + 64});
  out.push_back({"attestation key", sig + 64, sig + 128});
  const size_t qe = find_bytes(bytes, q.qe_report_raw, sig + 128);
  out.push_back({"QE report", qe, qe + kSgxReportBodySize});
  out.push_back({"QE report signature", qe + kSgxReportBodySize, qe + kSgxReportBodySize + 64});
  const size_t auth = qe + kSgxReportBodySize + 64 + 2;
  out.push_back({"QE auth data", auth, auth + q.qe_auth_data.size()});
  return out;
}

class DcapTamperTest : public ::testing::TestWithParam<nlohmann::json> {};

TEST_P(DcapTamperTest, BitFlipsInSignedPartsFail) {
  CLOISTER_REQUIRE_EVIDENCE();
  const nlohmann::json& c = GetParam();
  const auto quote = testing::case_quote(c);
  const TimePoint at = testing::case_time(c);
  DcapVerifier verifier(testing::case_collateral(c));
  ASSERT_TRUE(relevant(verifier.verify(quote, at), c).empty());
  auto q = parse_quote(quote, nullptr);
  ASSERT_TRUE(q);
  size_t flips = 0;
  for (const Region& r : signed_regions(*q, quote)) {
    ASSERT_LE(r.end, quote.size()) << r.name;
    ASSERT_LT(r.begin, r.end) << r.name;
    // Every bit of the first 16 bytes of each region, then a stride through the rest.
    const size_t bits = (r.end - r.begin) * 8;
    for (size_t bit = 0; bit < bits; bit += (bit < 128 ? 1 : 29)) {
      auto copy = quote;
      copy[r.begin + bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
      Verification v = verifier.verify(copy, at);
      ASSERT_FALSE(relevant(v, c).empty()) << r.name << " bit " << bit << " of case " << c["id"];
      ++flips;
    }
  }
  EXPECT_GT(flips, 500u);
}

TEST_P(DcapTamperTest, TruncatedQuotesFailCleanly) {
  CLOISTER_REQUIRE_EVIDENCE();
  const nlohmann::json& c = GetParam();
  const auto quote = testing::case_quote(c);
  const size_t used = c["claims"]["quote_bytes_used"];
  DcapVerifier verifier(testing::case_collateral(c));
  for (size_t len = 0; len < used; len += (len < 700 ? 1 : 37)) {
    std::span<const uint8_t> prefix(quote.data(), len);
    EXPECT_FALSE(parse_quote(prefix, nullptr)) << "length " << len;
    Verification v = verifier.verify(prefix, testing::case_time(c));
    ASSERT_TRUE(has_kind(v.failures, FailureKind::Malformed)) << "length " << len;
  }
}

TEST_P(DcapTamperTest, CollateralOutsideItsWindowFails) {
  CLOISTER_REQUIRE_EVIDENCE();
  const nlohmann::json& c = GetParam();
  const auto quote = testing::case_quote(c);
  DcapVerifier verifier(testing::case_collateral(c));
  const std::string window = c["collateral_info"]["tcb_info_valid"];
  const auto dots = window.find("..");
  const TimePoint from = *parse_rfc3339(window.substr(0, dots));
  const TimePoint until = *parse_rfc3339(window.substr(dots + 2));
  auto before = relevant(verifier.verify(quote, from - std::chrono::seconds(1)), c);
  EXPECT_TRUE(has_kind(before, FailureKind::NotYetValid));
  auto after = relevant(verifier.verify(quote, until + std::chrono::seconds(1)), c);
  EXPECT_TRUE(has_kind(after, FailureKind::Expired));
  // And far in the future everything has expired.
  auto later = verifier.verify(quote, *parse_rfc3339("2060-01-01T00:00:00Z"));
  EXPECT_TRUE(has_kind(later.failures, FailureKind::Expired));
}

TEST_P(DcapTamperTest, ChangedTcbInfoOrQeIdentityByteFails) {
  CLOISTER_REQUIRE_EVIDENCE();
  const nlohmann::json& c = GetParam();
  const auto quote = testing::case_quote(c);
  const Collateral original = testing::case_collateral(c);
  for (std::string Collateral::*field :
       {&Collateral::tcb_info_json, &Collateral::qe_identity_json}) {
    const std::string& text = original.*field;
    const size_t body = text.find(':') + 1;  // the signed member starts after the first key
    const size_t end = text.rfind("\"signature\"");
    size_t tried = 0;
    for (size_t pos = body; pos < end; pos += 53) {
      char& ch = (Collateral(original).*field)[pos];
      (void)ch;
      Collateral changed = original;
      char& target = (changed.*field)[pos];
      // A different character of the same class keeps the JSON well-formed
      // where possible, so it is the signature that has to catch it.
      target = std::isdigit(static_cast<unsigned char>(target)) ? (target == '9' ? '8' : target + 1)
               : std::isalpha(static_cast<unsigned char>(target)) ? (target == 'A' ? 'B' : 'A')
                                                                  : ' ';
      if (target == text[pos]) continue;
      Verification v = verify(quote, {changed, testing::case_time(c)});
      ASSERT_FALSE(relevant(v, c).empty()) << "byte " << pos << " of case " << c["id"];
      ++tried;
    }
    EXPECT_GT(tried, 5u);
  }
}

std::string case_name(const ::testing::TestParamInfo<nlohmann::json>& info) {
  std::string id = info.param["id"];
  for (char& ch : id)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return id;
}

INSTANTIATE_TEST_SUITE_P(Positive, DcapTamperTest, ::testing::ValuesIn(positive_cases()),
                         case_name);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(DcapTamperTest);

// Serialises a quote again with different certification data (type 5 PEM),
// which no signature covers: only the chain checks can catch a substitute.
std::vector<uint8_t> with_pck_chain(const std::vector<uint8_t>& quote, const Quote& q,
                                    const std::string& pem) {
  std::vector<uint8_t> out(q.signed_data.begin(), q.signed_data.end());
  auto u16 = [&](uint16_t v) {
    out.push_back(static_cast<uint8_t>(v));
    out.push_back(static_cast<uint8_t>(v >> 8));
  };
  auto u32 = [&](std::vector<uint8_t>& o, uint32_t v) {
    for (int i = 0; i < 4; ++i) o.push_back(static_cast<uint8_t>(v >> (8 * i)));
  };
  std::vector<uint8_t> qe_block(q.qe_report_raw.begin(), q.qe_report_raw.end());
  qe_block.insert(qe_block.end(), q.qe_report_signature.begin(), q.qe_report_signature.end());
  qe_block.push_back(static_cast<uint8_t>(q.qe_auth_data.size()));
  qe_block.push_back(static_cast<uint8_t>(q.qe_auth_data.size() >> 8));
  qe_block.insert(qe_block.end(), q.qe_auth_data.begin(), q.qe_auth_data.end());
  qe_block.push_back(kCertDataPckChain);
  qe_block.push_back(0);
  u32(qe_block, static_cast<uint32_t>(pem.size()));
  qe_block.insert(qe_block.end(), pem.begin(), pem.end());
  std::vector<uint8_t> sig(q.signature.begin(), q.signature.end());
  sig.insert(sig.end(), q.attestation_key.begin(), q.attestation_key.end());
  if (q.header.version == 3) {
    sig.insert(sig.end(), qe_block.begin(), qe_block.end());
  } else {
    sig.push_back(kCertDataQeReport);
    sig.push_back(0);
    u32(sig, static_cast<uint32_t>(qe_block.size()));
    sig.insert(sig.end(), qe_block.begin(), qe_block.end());
  }
  u32(out, static_cast<uint32_t>(sig.size()));
  out.insert(out.end(), sig.begin(), sig.end());
  (void)u16;
  (void)quote;
  return out;
}

// A self-signed certificate with the Intel root's subject but another key.
x509::X509Ptr fake_root(const X509* real_root) {
  x509::PkeyPtr key = test_pki::new_p256_key();
  x509::X509Ptr cert(X509_new());
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_set_subject_name(cert.get(), X509_get_subject_name(real_root));
  X509_set_issuer_name(cert.get(), X509_get_subject_name(real_root));
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -100L * 365 * 86400);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 100L * 365 * 86400);
  X509_set_pubkey(cert.get(), key.get());
  X509_sign(cert.get(), key.get(), EVP_sha256());
  return cert;
}

TEST(DcapTamper, RebuiltQuoteWithOriginalChainStillVerifies) {
  CLOISTER_REQUIRE_EVIDENCE();
  auto c = intel_case("dcapqvl-tdx-v4");
  const auto quote = testing::case_quote(c);
  auto q = parse_quote(quote, nullptr);
  ASSERT_TRUE(q);
  std::string pem(q->cert_data.begin(), q->cert_data.end());
  auto rebuilt = with_pck_chain(quote, *q, pem);
  EXPECT_TRUE(verify(rebuilt, {testing::case_collateral(c), testing::case_time(c)}).verified());
}

TEST(DcapTamper, SubstituteRootInPckChainFails) {
  CLOISTER_REQUIRE_EVIDENCE();
  for (const char* id : {"dcapqvl-sgx-v3", "dcapqvl-tdx-v4", "gotdx-tdx-v5-uptodate"}) {
    auto c = intel_case(id);
    const auto quote = testing::case_quote(c);
    auto q = parse_quote(quote, nullptr);
    ASSERT_TRUE(q);
    auto chain = x509::load_certs_pem(q->cert_data);
    ASSERT_TRUE(chain);
    ASSERT_EQ(chain->size(), 3u);
    auto fake = fake_root(chain->back().get());
    const std::string pem = test_pki::cert_pem((*chain)[0].get()) +
                            test_pki::cert_pem((*chain)[1].get()) + test_pki::cert_pem(fake.get());
    Verification v = verify(with_pck_chain(quote, *q, pem),
                            {testing::case_collateral(c), testing::case_time(c)});
    EXPECT_TRUE(has_kind(v.failures, FailureKind::CertChainInvalid)) << id;
    // Leaving the root out is fine (the pinned root completes the chain), but a
    // chain of only the substitute root is not.
    const std::string no_root =
        test_pki::cert_pem((*chain)[0].get()) + test_pki::cert_pem((*chain)[1].get());
    EXPECT_TRUE(verify(with_pck_chain(quote, *q, no_root),
                       {testing::case_collateral(c), testing::case_time(c)})
                    .verified())
        << id;
    const std::string leaf_and_fake =
        test_pki::cert_pem((*chain)[0].get()) + test_pki::cert_pem(fake.get());
    Verification v2 = verify(with_pck_chain(quote, *q, leaf_and_fake),
                             {testing::case_collateral(c), testing::case_time(c)});
    EXPECT_TRUE(has_kind(v2.failures, FailureKind::CertChainInvalid)) << id;
  }
}

TEST(DcapTamper, SubstituteRootInCollateralIssuerChainFails) {
  CLOISTER_REQUIRE_EVIDENCE();
  auto c = intel_case("dcapqvl-tdx-v4");
  const auto quote = testing::case_quote(c);
  Collateral col = testing::case_collateral(c);
  auto chain = x509::load_certs_pem(col.tcb_info_issuer_chain);
  ASSERT_TRUE(chain);
  auto fake = fake_root(chain->back().get());
  const std::string pem = test_pki::cert_pem(chain->front().get()) + test_pki::cert_pem(fake.get());
  col.tcb_info_issuer_chain.assign(pem.begin(), pem.end());
  Verification v = verify(quote, {col, testing::case_time(c)});
  EXPECT_TRUE(has_kind(v.failures, FailureKind::CertChainInvalid));
  // An unauthenticated TCB Info yields no TCB status.
  EXPECT_TRUE(v.claims.tcb_status.empty());
}

TEST(DcapTamper, PckCrlOfAnotherCaIsRejected) {
  CLOISTER_REQUIRE_EVIDENCE();
  // dcapqvl-sgx-v3's PCK is issued by the Processor CA; the TDX case's CRL is the Platform CA's.
  auto sgx = intel_case("dcapqvl-sgx-v3");
  auto tdx = intel_case("trustee-tdx-v4-uptodate");
  Collateral col = testing::case_collateral(sgx);
  col.pck_crl = testing::case_collateral(tdx).pck_crl;
  Verification v = verify(testing::case_quote(sgx), {col, testing::case_time(sgx)});
  EXPECT_TRUE(has_kind(v.failures, FailureKind::CertChainInvalid));
}

TEST(DcapTamper, MissingCollateralIsReported) {
  CLOISTER_REQUIRE_EVIDENCE();
  auto c = intel_case("dcapqvl-tdx-v4");
  const auto quote = testing::case_quote(c);
  Verification none = verify(quote, {std::nullopt, testing::case_time(c)});
  EXPECT_TRUE(has_kind(none.failures, FailureKind::CollateralMissing));
  // Signatures and the chain were still checked: nothing else failed.
  for (const auto& f : none.failures)
    EXPECT_EQ(f.kind, FailureKind::CollateralMissing) << f.message;
  Collateral partial = testing::case_collateral(c);
  partial.qe_identity_json.clear();
  Verification v = verify(quote, {partial, testing::case_time(c)});
  ASSERT_EQ(v.failures.size(), 1u);
  EXPECT_EQ(v.failures[0].message, "qe_identity: not supplied");
}

TEST(DcapTamper, TcbInfoOfAnotherPlatformIsRejected) {
  CLOISTER_REQUIRE_EVIDENCE();
  // Same time window, different FMSPC: the TDX v4 quote with the TDX v5 case's TCB Info.
  auto v4 = intel_case("dcapqvl-tdx-v4");
  auto sgx = intel_case("dcapqvl-sgx-v3");
  Collateral col = testing::case_collateral(v4);
  col.tcb_info_json = testing::case_collateral(sgx).tcb_info_json;
  col.tcb_info_issuer_chain = testing::case_collateral(sgx).tcb_info_issuer_chain;
  Verification v = verify(testing::case_quote(v4), {col, testing::case_time(v4)});
  EXPECT_TRUE(has_kind(v.failures, FailureKind::FmspcMismatch));
  // And the SGX QE identity for a TDX quote.
  Collateral col2 = testing::case_collateral(v4);
  col2.qe_identity_json = testing::case_collateral(sgx).qe_identity_json;
  Verification v2 = verify(testing::case_quote(v4), {col2, testing::case_time(v4)});
  EXPECT_TRUE(has_kind(v2.failures, FailureKind::QeIdentityMismatch));
}

}  // namespace
}  // namespace cloister::attest::dcap
