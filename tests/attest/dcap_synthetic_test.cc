// SPDX-License-Identifier: Apache-2.0
//
// End-to-end DCAP verification against a private test PKI: a root, a PCK
// Platform CA, a PCK certificate with SGX extensions, a TCB Signing
// certificate, CRLs, signed TCB Info / QE Identity and an SGX v3 quote, all
// built here. Real Intel data cannot exercise a revoked PCK or a Revoked TCB
// level (we cannot sign as Intel); this can.
#include <gtest/gtest.h>
#include <openssl/ec.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <algorithm>

#include "attest/dcap.h"
#include "attest/x509.h"
#include "base/hex.h"
#include "base/time.h"
#include "test_pki.h"

namespace cloister::attest::dcap {
namespace {

using x509::CrlPtr;
using x509::PkeyPtr;
using x509::X509Ptr;

TimePoint t(const char* s) {
  return *parse_rfc3339(s);
}

// --- DER building -----------------------------------------------------------

Bytes tlv(uint8_t tag, const Bytes& value) {
  Bytes out = {tag};
  if (value.size() < 0x80) {
    out.push_back(static_cast<uint8_t>(value.size()));
  } else if (value.size() < 0x100) {
    out.push_back(0x81);
    out.push_back(static_cast<uint8_t>(value.size()));
  } else {
    out.push_back(0x82);
    out.push_back(static_cast<uint8_t>(value.size() >> 8));
    out.push_back(static_cast<uint8_t>(value.size()));
  }
  out.insert(out.end(), value.begin(), value.end());
  return out;
}

Bytes oid(const std::string& dotted) {
  std::unique_ptr<ASN1_OBJECT, decltype(&ASN1_OBJECT_free)> obj(OBJ_txt2obj(dotted.c_str(), 1),
                                                                ASN1_OBJECT_free);
  unsigned char* der = nullptr;
  int len = i2d_ASN1_OBJECT(obj.get(), &der);
  Bytes out(der, der + len);  // already a full TLV
  OPENSSL_free(der);
  return out;
}

Bytes seq(std::initializer_list<Bytes> parts) {
  Bytes body;
  for (const auto& p : parts) body.insert(body.end(), p.begin(), p.end());
  return tlv(0x30, body);
}

Bytes integer(uint32_t v) {
  Bytes b;
  do {
    b.insert(b.begin(), static_cast<uint8_t>(v));
    v >>= 8;
  } while (v != 0);
  if (b[0] & 0x80) b.insert(b.begin(), 0);
  return tlv(0x02, b);
}

Bytes sgx_extensions(const std::array<uint8_t, 16>& comps, uint16_t pcesvn,
                     const std::array<uint8_t, 6>& fmspc) {
  const std::string base = "1.2.840.113741.1.13.1";
  Bytes tcb_body;
  for (int i = 0; i < 16; ++i) {
    Bytes item = seq({oid(base + ".2." + std::to_string(i + 1)), integer(comps[i])});
    tcb_body.insert(tcb_body.end(), item.begin(), item.end());
  }
  Bytes pce = seq({oid(base + ".2.17"), integer(pcesvn)});
  Bytes cpu = seq({oid(base + ".2.18"), tlv(0x04, Bytes(comps.begin(), comps.end()))});
  tcb_body.insert(tcb_body.end(), pce.begin(), pce.end());
  tcb_body.insert(tcb_body.end(), cpu.begin(), cpu.end());
  return seq({seq({oid(base + ".1"), tlv(0x04, Bytes(16, 0x11))}),
              seq({oid(base + ".2"), tlv(0x30, tcb_body)}),
              seq({oid(base + ".3"), tlv(0x04, Bytes{0, 0})}),
              seq({oid(base + ".4"), tlv(0x04, Bytes(fmspc.begin(), fmspc.end()))}),
              seq({oid(base + ".5"), tlv(0x0a, Bytes{0})})});
}

// --- certificates -------------------------------------------------------------

struct Issued {
  PkeyPtr key;
  X509Ptr cert;
};

Issued issue(const std::string& cn, const Issued* issuer, bool ca, long serial,
             const Bytes* sgx_ext = nullptr) {
  Issued out;
  out.key = test_pki::new_p256_key();
  out.cert =
      test_pki::unsigned_cert(cn, serial, out.key.get(), issuer ? issuer->cert.get() : nullptr,
                              std::chrono::system_clock::to_time_t(t("2024-01-01T00:00:00Z")),
                              std::chrono::system_clock::to_time_t(t("2034-01-01T00:00:00Z")));
  X509* c = out.cert.get();
  test_pki::add_ext(c, issuer ? issuer->cert.get() : nullptr, NID_basic_constraints,
                    ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
  if (sgx_ext != nullptr) {
    std::unique_ptr<ASN1_OBJECT, decltype(&ASN1_OBJECT_free)> obj(
        OBJ_txt2obj("1.2.840.113741.1.13.1", 1), ASN1_OBJECT_free);
    ASN1_OCTET_STRING* data = ASN1_OCTET_STRING_new();
    ASN1_OCTET_STRING_set(data, sgx_ext->data(), static_cast<int>(sgx_ext->size()));
    X509_EXTENSION* ext = X509_EXTENSION_create_by_OBJ(nullptr, obj.get(), 0, data);
    X509_add_ext(c, ext, -1);
    X509_EXTENSION_free(ext);
    ASN1_OCTET_STRING_free(data);
  }
  X509_sign(c, issuer ? issuer->key.get() : out.key.get(), EVP_sha256());
  return out;
}

Bytes crl_der(const Issued& issuer, std::vector<long> revoked) {
  CrlPtr crl = test_pki::unsigned_crl(
      issuer.cert.get(), revoked, std::chrono::system_clock::to_time_t(t("2025-06-01T00:00:00Z")),
      std::chrono::system_clock::to_time_t(t("2025-07-01T00:00:00Z")));
  X509_CRL_sign(crl.get(), issuer.key.get(), EVP_sha256());
  return test_pki::crl_der(crl.get());
}

// Raw r||s ECDSA P-256/SHA-256 signature, as DCAP stores them.
Bytes sign_rs(EVP_PKEY* key, std::span<const uint8_t> msg) {
  x509::MdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key);
  Bytes der(80);
  size_t len = der.size();
  EVP_DigestSign(ctx.get(), der.data(), &len, msg.data(), msg.size());
  const unsigned char* p = der.data();
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(len));
  Bytes rs(64);
  BN_bn2binpad(ECDSA_SIG_get0_r(sig), rs.data(), 32);
  BN_bn2binpad(ECDSA_SIG_get0_s(sig), rs.data() + 32, 32);
  ECDSA_SIG_free(sig);
  return rs;
}

Bytes public_xy(EVP_PKEY* key) {
  Bytes pub(65);
  size_t len = 0;
  EVP_PKEY_get_octet_string_param(key, "encoded-pub-key", pub.data(), pub.size(), &len);
  return Bytes(pub.begin() + 1, pub.end());
}

std::string signed_json(const char* member, const std::string& body, EVP_PKEY* key) {
  Bytes sig = sign_rs(
      key, std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(body.data()), body.size()));
  return std::string("{\"") + member + "\":" + body + ",\"signature\":\"" + to_hex(sig) + "\"}";
}

void put_u16(Bytes& b, uint16_t v) {
  b.push_back(static_cast<uint8_t>(v));
  b.push_back(static_cast<uint8_t>(v >> 8));
}
void put_u32(Bytes& b, uint32_t v) {
  for (int i = 0; i < 4; ++i) b.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

const std::array<uint8_t, 6> kFmspc = {0x00, 0x90, 0x6e, 0xa1, 0x00, 0x00};
const std::array<uint8_t, 32> kQeSigner = {0x8c, 0x4f, 0x57, 0x75};

// One private SGX platform and its collateral.
struct Platform {
  Issued root = issue("Test SGX Root CA", nullptr, true, 1);
  Issued ca = issue("Test SGX PCK Platform CA", &root, true, 2);
  Issued tcb_signer = issue("Test SGX TCB Signing", &root, false, 3);
  std::array<uint8_t, 16> comps{5, 5, 2, 2, 3, 1, 0, 5};
  Bytes ext = sgx_extensions(comps, 14, kFmspc);
  Issued pck = issue("Test SGX PCK Certificate", &ca, false, 0x1234, &ext);
  PkeyPtr attestation_key{EVP_EC_gen("P-256")};
  uint16_t qe_isv_svn = 8;

  std::string tcb_levels =
      R"([)"
      R"({"tcb":{"sgxtcbcomponents":[{"svn":5},{"svn":5},{"svn":2},{"svn":2},{"svn":3},{"svn":1},{"svn":0},{"svn":5},{"svn":0},{"svn":0},{"svn":0},{"svn":0},{"svn":0},{"svn":0},{"svn":0},{"svn":0}],"pcesvn":14},"tcbDate":"2025-01-01T00:00:00Z","tcbStatus":"UpToDate"},)"
      R"({"tcb":{"sgxtcbcomponents":[{"svn":5},{"svn":5},{"svn":2},{"svn":2},{"svn":3},{"svn":1},{"svn":0},{"svn":5},{"svn":0},{"svn":0},{"svn":0},{"svn":0},{"svn":0},{"svn":0},{"svn":0},{"svn":0}],"pcesvn":13},"tcbDate":"2024-01-01T00:00:00Z","tcbStatus":"Revoked","advisoryIDs":["INTEL-SA-99999"]}])";

  std::string root_pem() const { return test_pki::cert_pem(root.cert.get()); }

  Collateral collateral(std::vector<long> pck_revoked = {},
                        std::vector<long> root_revoked = {}) const {
    Collateral c;
    const std::string tcb_body =
        R"({"id":"SGX","version":3,"issueDate":"2025-06-01T00:00:00Z","nextUpdate":"2025-07-01T00:00:00Z",)"
        R"("fmspc":")" +
        to_hex(kFmspc) +
        R"(","pceId":"0000","tcbType":0,"tcbEvaluationDataNumber":17,)"
        R"("tcbLevels":)" +
        tcb_levels + "}";
    c.tcb_info_json = signed_json("tcbInfo", tcb_body, tcb_signer.key.get());
    const std::string qe_body =
        R"({"id":"QE","version":2,"issueDate":"2025-06-01T00:00:00Z","nextUpdate":"2025-07-01T00:00:00Z",)"
        R"("tcbEvaluationDataNumber":17,"miscselect":"00000000","miscselectMask":"FFFFFFFF",)"
        R"("attributes":"11000000000000000000000000000000","attributesMask":"FBFFFFFFFFFFFFFF0000000000000000",)"
        R"("mrsigner":")" +
        to_hex(kQeSigner) +
        R"(","isvprodid":1,"tcbLevels":[)"
        R"({"tcb":{"isvsvn":8},"tcbDate":"2025-01-01T00:00:00Z","tcbStatus":"UpToDate"},)"
        R"({"tcb":{"isvsvn":6},"tcbDate":"2024-01-01T00:00:00Z","tcbStatus":"OutOfDate","advisoryIDs":["INTEL-SA-00777"]}]})";
    c.qe_identity_json = signed_json("enclaveIdentity", qe_body, tcb_signer.key.get());
    const std::string chain = test_pki::cert_pem(tcb_signer.cert.get()) + root_pem();
    c.tcb_info_issuer_chain.assign(chain.begin(), chain.end());
    c.qe_identity_issuer_chain = c.tcb_info_issuer_chain;
    const std::string crl_chain = test_pki::cert_pem(ca.cert.get()) + root_pem();
    c.pck_crl_issuer_chain.assign(crl_chain.begin(), crl_chain.end());
    c.pck_crl = crl_der(ca, std::move(pck_revoked));
    c.root_ca_crl = crl_der(root, std::move(root_revoked));
    return c;
  }

  Bytes quote() const {
    Bytes q;
    put_u16(q, 3);
    put_u16(q, 2);
    put_u32(q, 0);
    put_u16(q, qe_isv_svn);
    put_u16(q, 13);
    q.insert(q.end(), 16, 0x93);  // QE vendor ID
    q.insert(q.end(), 20, 0);     // user data
    Bytes body(kSgxReportBodySize, 0);
    body[48] = 0x05;                                        // attributes: INIT | MODE64BIT
    std::fill(body.begin() + 64, body.begin() + 96, 0xaa);  // MRENCLAVE
    std::fill(body.begin() + 320, body.end(), 0x42);        // report data
    q.insert(q.end(), body.begin(), body.end());
    const Bytes att_xy = public_xy(attestation_key.get());
    const Bytes auth(32, 0x07);
    Bytes qe_report(kSgxReportBodySize, 0);
    qe_report[48] = 0x11;
    std::copy(kQeSigner.begin(), kQeSigner.end(), qe_report.begin() + 128);
    qe_report[256] = 1;  // ISVPRODID
    qe_report[258] = static_cast<uint8_t>(qe_isv_svn);
    Bytes binding = att_xy;
    binding.insert(binding.end(), auth.begin(), auth.end());
    Bytes hash = x509::sha256(binding);
    std::copy(hash.begin(), hash.end(), qe_report.begin() + 320);
    const std::string chain =
        test_pki::cert_pem(pck.cert.get()) + test_pki::cert_pem(ca.cert.get()) + root_pem();
    Bytes sig_data = sign_rs(attestation_key.get(), q);
    sig_data.insert(sig_data.end(), att_xy.begin(), att_xy.end());
    sig_data.insert(sig_data.end(), qe_report.begin(), qe_report.end());
    Bytes qe_sig = sign_rs(pck.key.get(), qe_report);
    sig_data.insert(sig_data.end(), qe_sig.begin(), qe_sig.end());
    put_u16(sig_data, static_cast<uint16_t>(auth.size()));
    sig_data.insert(sig_data.end(), auth.begin(), auth.end());
    put_u16(sig_data, kCertDataPckChain);
    put_u32(sig_data, static_cast<uint32_t>(chain.size()));
    sig_data.insert(sig_data.end(), chain.begin(), chain.end());
    put_u32(q, static_cast<uint32_t>(sig_data.size()));
    q.insert(q.end(), sig_data.begin(), sig_data.end());
    return q;
  }
};

const TimePoint kAt = t("2025-06-15T00:00:00Z");

std::vector<FailureKind> kinds(const Verification& v) {
  std::vector<FailureKind> out;
  for (const auto& f : v.failures) out.push_back(f.kind);
  return out;
}

std::string all(const Verification& v) {
  std::string s;
  for (const auto& f : v.failures) s += std::string(to_string(f.kind)) + ": " + f.message + "\n";
  return s;
}

TEST(DcapSynthetic, GoodPlatformVerifiesUpToDate) {
  Platform p;
  DcapVerifier verifier(p.collateral(), p.root_pem());
  Verification v = verifier.verify(p.quote(), kAt);
  ASSERT_TRUE(v.verified()) << all(v);
  EXPECT_EQ(v.claims.tcb_status, "UpToDate");
  EXPECT_EQ(v.claims.details["qe_tcb_status"], "UpToDate");
  EXPECT_EQ(v.claims.details["fmspc"], to_hex(kFmspc));
  EXPECT_EQ(v.claims.details["pck_issuer_ca"], "Test SGX PCK Platform CA");
  // The same quote is not accepted under the real Intel root.
  EXPECT_TRUE(std::ranges::count(kinds(DcapVerifier(p.collateral()).verify(p.quote(), kAt)),
                                 FailureKind::CertChainInvalid) > 0);
}

TEST(DcapSynthetic, RevokedPckIsRejected) {
  Platform p;
  Verification v =
      DcapVerifier(p.collateral({0x1233, 0x1234}), p.root_pem()).verify(p.quote(), kAt);
  ASSERT_EQ(kinds(v), std::vector<FailureKind>{FailureKind::Revoked}) << all(v);
  EXPECT_EQ(v.failures[0].message.rfind("pck_crl:", 0), 0u);
  // A revoked Platform CA (on the root CA CRL) is caught as well, in every chain it is in.
  Verification ca = DcapVerifier(p.collateral({}, {2}), p.root_pem()).verify(p.quote(), kAt);
  EXPECT_TRUE(std::ranges::count(kinds(ca), FailureKind::Revoked) > 0) << all(ca);
}

TEST(DcapSynthetic, RevokedTcbLevelFails) {
  Platform p;
  // PCESVN 13 only reaches the second (Revoked) level.
  p.ext = sgx_extensions(p.comps, 13, kFmspc);
  p.pck = issue("Test SGX PCK Certificate", &p.ca, false, 0x1234, &p.ext);
  Verification v = DcapVerifier(p.collateral(), p.root_pem()).verify(p.quote(), kAt);
  ASSERT_EQ(kinds(v), std::vector<FailureKind>{FailureKind::TcbRevoked}) << all(v);
  EXPECT_EQ(v.claims.tcb_status, "Revoked");
  EXPECT_EQ(v.claims.advisories, std::vector<std::string>{"INTEL-SA-99999"});
}

TEST(DcapSynthetic, QeOutOfDateLowersTheStatus) {
  Platform p;
  p.tcb_levels =
      R"([{"tcb":{"sgxtcbcomponents":[{"svn":5},{"svn":5},{"svn":2},{"svn":2},{"svn":3},{"svn":1},{"svn":0},{"svn":5},{"svn":0},{"svn":0},{"svn":0},{"svn":0},{"svn":0},{"svn":0},{"svn":0},{"svn":0}],"pcesvn":13},"tcbDate":"2025-01-01T00:00:00Z","tcbStatus":"ConfigurationNeeded"}])";
  p.qe_isv_svn = 7;
  Verification v = DcapVerifier(p.collateral(), p.root_pem()).verify(p.quote(), kAt);
  ASSERT_TRUE(v.verified()) << all(v);
  EXPECT_EQ(v.claims.details["qe_tcb_status"], "OutOfDate");
  EXPECT_EQ(v.claims.tcb_status, "OutOfDateConfigurationNeeded");
  EXPECT_EQ(v.claims.advisories, std::vector<std::string>{"INTEL-SA-00777"});
}

TEST(DcapSynthetic, PlatformBelowEveryLevelIsNotSupported) {
  Platform p;
  p.comps = {5, 5, 2, 2, 3, 1, 0, 4};  // component 8 below every level
  p.ext = sgx_extensions(p.comps, 14, kFmspc);
  p.pck = issue("Test SGX PCK Certificate", &p.ca, false, 0x1234, &p.ext);
  Verification v = DcapVerifier(p.collateral(), p.root_pem()).verify(p.quote(), kAt);
  ASSERT_EQ(kinds(v), std::vector<FailureKind>{FailureKind::TcbNotSupported}) << all(v);
  EXPECT_TRUE(v.claims.tcb_status.empty());
}

TEST(DcapSynthetic, CollateralSignedByAnotherKeyUnderTheRootIsRejected) {
  Platform p;
  // A PCK key (chains to the root through the Platform CA) signs the TCB Info
  // and QE Identity: the signatures verify, but the signer is not allowed.
  Platform forged;
  forged.root = std::move(p.root);
  forged.ca = std::move(p.ca);
  forged.pck = std::move(p.pck);
  forged.tcb_signer.key.reset(EVP_PKEY_dup(forged.pck.key.get()));
  forged.tcb_signer.cert.reset(X509_dup(forged.pck.cert.get()));
  Collateral c = forged.collateral();
  const std::string chain = test_pki::cert_pem(forged.pck.cert.get()) +
                            test_pki::cert_pem(forged.ca.cert.get()) + forged.root_pem();
  c.tcb_info_issuer_chain.assign(chain.begin(), chain.end());
  c.qe_identity_issuer_chain = c.tcb_info_issuer_chain;
  Verification v = DcapVerifier(c, forged.root_pem()).verify(forged.quote(), kAt);
  EXPECT_GE(std::ranges::count(kinds(v), FailureKind::CertChainInvalid), 2) << all(v);
  EXPECT_TRUE(v.claims.tcb_status.empty());
}

TEST(DcapSynthetic, WrongQeAndWrongPlatformAreRejected) {
  Platform p;
  auto other_fmspc = kFmspc;
  other_fmspc[5] = 1;
  p.ext = sgx_extensions(p.comps, 14, other_fmspc);
  p.pck = issue("Test SGX PCK Certificate", &p.ca, false, 0x1234, &p.ext);
  Verification v = DcapVerifier(p.collateral(), p.root_pem()).verify(p.quote(), kAt);
  EXPECT_TRUE(std::ranges::count(kinds(v), FailureKind::FmspcMismatch) > 0) << all(v);
  // A leaf that is not a PCK certificate.
  Platform q;
  q.pck = issue("Test SGX TCB Signing", &q.ca, false, 0x1234, &q.ext);
  Verification w = DcapVerifier(q.collateral(), q.root_pem()).verify(q.quote(), kAt);
  EXPECT_TRUE(std::ranges::count(kinds(w), FailureKind::CertChainInvalid) > 0) << all(w);
}

}  // namespace
}  // namespace cloister::attest::dcap
