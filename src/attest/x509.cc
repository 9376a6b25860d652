// SPDX-License-Identifier: Apache-2.0
#include "attest/x509.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509v3.h>

#include <cstring>
#include <ctime>

#include "base/hex.h"
#include "base/time.h"

namespace cloister::attest::x509 {
namespace {

struct BioFree {
  void operator()(BIO* p) const { BIO_free(p); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;

// The most recent OpenSSL error as text, clearing the queue so that later
// messages are not polluted by stale errors.
std::string openssl_error() {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "no OpenSSL error detail";
  char buf[256];
  ERR_error_string_n(code, buf, sizeof(buf));
  return buf;
}

BioPtr mem_bio(std::span<const uint8_t> data) {
  return BioPtr(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
}

bool starts_with_pem(std::span<const uint8_t> data) {
  // Allow leading whitespace before the armour.
  size_t i = 0;
  while (i < data.size() &&
         (data[i] == ' ' || data[i] == '\n' || data[i] == '\r' || data[i] == '\t'))
    ++i;
  static constexpr std::string_view kBegin = "-----BEGIN";
  return data.size() - i >= kBegin.size() &&
         std::memcmp(data.data() + i, kBegin.data(), kBegin.size()) == 0;
}

std::string name_cn(const X509_NAME* name) {
  if (name == nullptr) return "";
  int idx = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
  if (idx < 0) return "";
  const ASN1_STRING* s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, idx));
  unsigned char* utf8 = nullptr;
  int len = ASN1_STRING_to_UTF8(&utf8, s);
  if (len < 0) return "";
  // Names come from untrusted certificates (a quote carries its own PCK
  // chain): escape them here so every message and claim that quotes one is
  // printable and valid JSON.
  std::string out =
      printable_ascii(std::string_view(reinterpret_cast<char*>(utf8), static_cast<size_t>(len)));
  OPENSSL_free(utf8);
  return out;
}

std::string describe(const X509* cert, size_t index) {
  std::string cn = subject_cn(cert);
  return "certificate " + std::to_string(index) + " ('" + (cn.empty() ? "no CN" : cn) + "')";
}

}  // namespace

X509Ptr share(X509* cert) {
  X509_up_ref(cert);
  return X509Ptr(cert);
}

Result<X509Ptr> load_cert_der(std::span<const uint8_t> der) {
  const unsigned char* p = der.data();
  X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!cert) return fail("cannot parse DER certificate: ", openssl_error());
  if (p != der.data() + der.size())
    return fail("DER certificate followed by ", static_cast<size_t>(der.data() + der.size() - p),
                " unexpected bytes");
  return cert;
}

Result<std::vector<X509Ptr>> load_certs_pem(std::span<const uint8_t> pem) {
  BioPtr bio = mem_bio(pem);
  if (!bio) return fail("out of memory");
  std::vector<X509Ptr> out;
  for (;;) {
    X509* c = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr);
    if (c == nullptr) {
      unsigned long err = ERR_peek_last_error();
      // Running out of PEM blocks is the normal end of the input.
      if (ERR_GET_LIB(err) == ERR_LIB_PEM && ERR_GET_REASON(err) == PEM_R_NO_START_LINE) {
        ERR_clear_error();
        break;
      }
      return fail("cannot parse PEM certificate ", out.size() + 1, ": ", openssl_error());
    }
    out.emplace_back(c);
  }
  if (out.empty()) return fail("no PEM certificate found");
  // OpenSSL stops quietly at a block it cannot find the end of; a truncated or
  // non-certificate block must not silently shorten a chain.
  static constexpr std::string_view kBegin = "-----BEGIN";
  std::string_view text(reinterpret_cast<const char*>(pem.data()), pem.size());
  size_t blocks = 0;
  for (size_t pos = text.find(kBegin); pos != std::string_view::npos;
       pos = text.find(kBegin, pos + kBegin.size()))
    ++blocks;
  if (blocks != out.size())
    return fail("PEM input has ", blocks, " blocks but only ", out.size(),
                " complete certificates");
  return out;
}

Result<std::vector<X509Ptr>> load_certs(std::span<const uint8_t> pem_or_der) {
  if (starts_with_pem(pem_or_der)) return load_certs_pem(pem_or_der);
  CLOISTER_TRY_ASSIGN(X509Ptr cert, load_cert_der(pem_or_der));
  std::vector<X509Ptr> out;
  out.push_back(std::move(cert));
  return out;
}

Result<CrlPtr> load_crl(std::span<const uint8_t> der_or_pem) {
  if (starts_with_pem(der_or_pem)) {
    BioPtr bio = mem_bio(der_or_pem);
    CrlPtr crl(PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr));
    if (!crl) return fail("cannot parse PEM CRL: ", openssl_error());
    return crl;
  }
  const unsigned char* p = der_or_pem.data();
  CrlPtr crl(d2i_X509_CRL(nullptr, &p, static_cast<long>(der_or_pem.size())));
  if (!crl) return fail("cannot parse DER CRL: ", openssl_error());
  if (p != der_or_pem.data() + der_or_pem.size())
    return fail("DER CRL followed by unexpected bytes");
  return crl;
}

Result<TimePoint> to_time_point(const ASN1_TIME* t) {
  if (t == nullptr) return fail("missing time");
  struct tm tm {};
  if (ASN1_TIME_to_tm(t, &tm) != 1) return fail("invalid ASN.1 time");
  int64_t days = days_from_civil(tm.tm_year + 1900, static_cast<unsigned>(tm.tm_mon + 1),
                                 static_cast<unsigned>(tm.tm_mday));
  int64_t secs = days * 86400 + tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
  // system_clock counts nanoseconds in 64 bits (years 1678..2261), but X.509
  // allows years up to 9999 (RFC 5280 uses 9999-12-31 for "no expiry"): clamp
  // instead of overflowing.
  using Secs = std::chrono::seconds;
  const int64_t max_secs =
      std::chrono::duration_cast<Secs>(TimePoint::max().time_since_epoch()).count();
  const int64_t min_secs =
      std::chrono::duration_cast<Secs>(TimePoint::min().time_since_epoch()).count();
  if (secs >= max_secs) return TimePoint::max();
  if (secs <= min_secs) return TimePoint::min();
  return TimePoint(Secs(secs));
}

Result<Validity> cert_validity(const X509* cert) {
  Validity v;
  CLOISTER_TRY_ASSIGN(v.not_before, to_time_point(X509_get0_notBefore(cert)));
  CLOISTER_TRY_ASSIGN(v.not_after, to_time_point(X509_get0_notAfter(cert)));
  return v;
}

Result<Validity> crl_validity(const X509_CRL* crl) {
  if (X509_CRL_get0_nextUpdate(crl) == nullptr) return fail("CRL has no nextUpdate");
  Validity v;
  CLOISTER_TRY_ASSIGN(v.not_before, to_time_point(X509_CRL_get0_lastUpdate(crl)));
  CLOISTER_TRY_ASSIGN(v.not_after, to_time_point(X509_CRL_get0_nextUpdate(crl)));
  return v;
}

std::string subject_cn(const X509* cert) {
  return name_cn(X509_get_subject_name(cert));
}
std::string issuer_cn(const X509* cert) {
  return name_cn(X509_get_issuer_name(cert));
}

Bytes sha256(std::span<const uint8_t> data) {
  Bytes out(SHA256_DIGEST_LENGTH);
  SHA256(data.data(), data.size(), out.data());
  return out;
}

Bytes spki_sha256(const X509* cert) {
  // The certificate keeps its SubjectPublicKeyInfo as decoded; re-encoding
  // that structure avoids OpenSSL 3's (slow) key encoder.
  unsigned char* der = nullptr;
  int len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert), &der);
  if (len <= 0) return {};
  Bytes out = sha256(std::span<const uint8_t>(der, static_cast<size_t>(len)));
  OPENSSL_free(der);
  return out;
}

Bytes cert_der(const X509* cert) {
  unsigned char* der = nullptr;
  int len = i2d_X509(cert, &der);
  if (len <= 0) return {};
  Bytes out(der, der + len);
  OPENSSL_free(der);
  return out;
}

Bytes cert_sha256(const X509* cert) {
  return sha256(cert_der(cert));
}

Result<std::optional<Bytes>> extension_value(const X509* cert, std::string_view dotted_oid) {
  std::string oid_text(dotted_oid);
  std::unique_ptr<ASN1_OBJECT, decltype(&ASN1_OBJECT_free)> obj(OBJ_txt2obj(oid_text.c_str(), 1),
                                                                ASN1_OBJECT_free);
  if (!obj) return fail("invalid OID '", oid_text, "'");
  int idx = X509_get_ext_by_OBJ(cert, obj.get(), -1);
  if (idx < 0) return std::optional<Bytes>();
  if (X509_get_ext_by_OBJ(cert, obj.get(), idx) >= 0)
    return fail("extension ", oid_text, " appears more than once");
  const ASN1_OCTET_STRING* data = X509_EXTENSION_get_data(X509_get_ext(cert, idx));
  const uint8_t* p = ASN1_STRING_get0_data(data);
  return std::optional<Bytes>(Bytes(p, p + ASN1_STRING_length(data)));
}

Result<void> verify_signed_by(const X509* cert, const X509* issuer) {
  if (X509_NAME_cmp(X509_get_issuer_name(cert), X509_get_subject_name(issuer)) != 0)
    return fail("issuer name '", issuer_cn(cert), "' does not match the subject '",
                subject_cn(issuer), "' of the issuing certificate");
  EVP_PKEY* key = X509_get0_pubkey(issuer);
  if (key == nullptr) return fail("issuing certificate has no usable public key");
  // X509_verify takes a non-const X509 in OpenSSL 3.0 but does not modify it.
  int rc = X509_verify(const_cast<X509*>(cert), key);
  if (rc != 1)
    return fail("signature does not verify with the key of '", subject_cn(issuer), "' (",
                openssl_error(), ")");
  return ok();
}

Result<void> verify_crl_signed_by(const X509_CRL* crl, const X509* issuer) {
  if (X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_subject_name(issuer)) != 0)
    return fail("CRL issuer '", name_cn(X509_CRL_get_issuer(crl)), "' is not '", subject_cn(issuer),
                "'");
  EVP_PKEY* key = X509_get0_pubkey(issuer);
  if (key == nullptr) return fail("issuing certificate has no usable public key");
  if (X509_CRL_verify(const_cast<X509_CRL*>(crl), key) != 1)
    return fail("CRL signature does not verify with the key of '", subject_cn(issuer), "' (",
                openssl_error(), ")");
  return ok();
}

bool is_revoked(const X509_CRL* crl, const X509* cert) {
  X509_REVOKED* entry = nullptr;
  // Looks up by serial number only; the caller matched the issuer.
  return X509_CRL_get0_by_serial(const_cast<X509_CRL*>(crl), &entry,
                                 X509_get0_serialNumber(cert)) == 1;
}

Result<PkeyPtr> p256_key_from_xy(std::span<const uint8_t> xy) {
  if (xy.size() != 64) return fail("P-256 public key must be 64 bytes x||y, got ", xy.size());
  uint8_t point[65];
  point[0] = 0x04;  // uncompressed SEC1 point
  std::memcpy(point + 1, xy.data(), 64);
  std::unique_ptr<OSSL_PARAM_BLD, decltype(&OSSL_PARAM_BLD_free)> bld(OSSL_PARAM_BLD_new(),
                                                                      OSSL_PARAM_BLD_free);
  if (!bld ||
      !OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) ||
      !OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point, sizeof(point)))
    return fail("out of memory");
  std::unique_ptr<OSSL_PARAM, decltype(&OSSL_PARAM_free)> params(OSSL_PARAM_BLD_to_param(bld.get()),
                                                                 OSSL_PARAM_free);
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  EVP_PKEY* key = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) != 1)
    return fail("invalid P-256 public key: ", openssl_error());
  // EVP_PKEY_fromdata decodes the point with EC_POINT_oct2point, which
  // rejects points that are not on the curve; no separate check is needed.
  return PkeyPtr(key);
}

namespace {

// Appends a big-endian unsigned integer as a minimal DER INTEGER (short-form
// length: the callers pass at most 32 bytes).
void append_der_integer(std::span<const uint8_t> value, Bytes* out) {
  while (value.size() > 1 && value[0] == 0) value = value.subspan(1);
  const bool pad = (value[0] & 0x80) != 0;  // a leading 0x00 keeps it positive
  out->push_back(0x02);
  out->push_back(static_cast<uint8_t>(value.size() + (pad ? 1 : 0)));
  if (pad) out->push_back(0x00);
  out->insert(out->end(), value.begin(), value.end());
}

// SHA-256 fetched once: fetching an algorithm by name takes a lock and a
// lookup, which showed in the per-quote profile.
const EVP_MD* sha256_md() {
  static const EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}

}  // namespace

Result<Bytes> ecdsa_rs_to_der(std::span<const uint8_t> rs) {
  if (rs.size() != 64) return fail("ECDSA P-256 signature must be 64 bytes r||s, got ", rs.size());
  // SEQUENCE { INTEGER r, INTEGER s } is at most 72 bytes: every length is one
  // byte. Encoded directly rather than through ECDSA_SIG and two BIGNUMs.
  Bytes der;
  der.reserve(72);
  der.push_back(0x30);
  der.push_back(0);  // patched below
  append_der_integer(rs.first(32), &der);
  append_der_integer(rs.subspan(32), &der);
  der[1] = static_cast<uint8_t>(der.size() - 2);
  return der;
}

Result<void> verify_p256_rs(EVP_PKEY* key, std::span<const uint8_t> message,
                            std::span<const uint8_t> rs) {
  CLOISTER_TRY_ASSIGN(Bytes der, ecdsa_rs_to_der(rs));
  // Hash with the once-fetched SHA-256, then verify the digest:
  // EVP_DigestVerifyInit_ex would fetch "SHA256" by name on every call.
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_len = 0;
  const EVP_MD* md = sha256_md();
  if (md == nullptr ||
      EVP_Digest(message.data(), message.size(), digest, &digest_len, md, nullptr) != 1)
    return fail("cannot compute SHA-256 for ECDSA verification: ", openssl_error());
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
  if (!ctx || EVP_PKEY_verify_init(ctx.get()) != 1)
    return fail("cannot set up ECDSA verification: ", openssl_error());
  if (EVP_PKEY_verify(ctx.get(), der.data(), der.size(), digest, digest_len) != 1) {
    ERR_clear_error();
    return fail("ECDSA P-256 signature does not verify");
  }
  return ok();
}

std::vector<Failure> verify_chain(std::span<X509* const> input,
                                  std::span<const uint8_t> pinned_root_spki_sha256,
                                  const X509* pinned_root, const ChainOptions& options) {
  std::vector<Failure> failures;
  auto add = [&](FailureKind kind, std::string message) {
    failures.push_back({kind, options.name + ": " + std::move(message)});
  };
  if (input.empty()) {
    add(FailureKind::CollateralMissing, "no certificates");
    return failures;
  }
  const Bytes pinned(pinned_root_spki_sha256.begin(), pinned_root_spki_sha256.end());
  std::vector<const X509*> chain(input.begin(), input.end());
  if (spki_sha256(chain.back()) != pinned) {
    // The chain stops below the root: complete it with the pinned certificate,
    // which must hold the pinned key.
    if (pinned_root == nullptr || spki_sha256(pinned_root) != pinned) {
      add(FailureKind::CertChainInvalid,
          "the chain does not end in the pinned root key (SPKI SHA-256 " + to_hex(pinned) +
              "); its last certificate is '" + subject_cn(chain.back()) + "' with key " +
              to_hex(spki_sha256(chain.back())));
      return failures;
    }
    chain.push_back(pinned_root);
  }

  for (size_t i = 0; i < chain.size(); ++i) {
    const X509* cert = chain[i];
    const bool is_root = i + 1 == chain.size();
    const X509* issuer = is_root ? cert : chain[i + 1];
    if (options.check_signatures) {
      if (auto r = verify_signed_by(cert, issuer); !r)
        add(FailureKind::CertChainInvalid, describe(cert, i) + ": " + r.error().message());
    }
    // Every issuer must be a CA (X509_check_ca also accepts v1 roots, which we do not meet).
    if (options.check_signatures && i > 0 && X509_check_ca(const_cast<X509*>(cert)) == 0)
      add(FailureKind::CertChainInvalid,
          describe(cert, i) + " is not a CA but issues certificate " + std::to_string(i - 1));
    auto validity = cert_validity(cert);
    if (!validity) {
      add(FailureKind::Malformed, describe(cert, i) + ": " + validity.error().message());
    } else if (options.at < validity->not_before) {
      add(FailureKind::NotYetValid, describe(cert, i) + " is not valid before " +
                                        format_rfc3339(validity->not_before) + " (checked at " +
                                        format_rfc3339(options.at) + ")");
    } else if (options.at > validity->not_after) {
      add(FailureKind::Expired, describe(cert, i) + " expired " +
                                    format_rfc3339(validity->not_after) + " (checked at " +
                                    format_rfc3339(options.at) + ")");
    }
  }

  for (size_t c = 0; options.check_signatures && c < options.crls.size(); ++c) {
    const X509_CRL* crl = options.crls[c];
    const std::string crl_name =
        "CRL " + std::to_string(c) + " ('" + name_cn(X509_CRL_get_issuer(crl)) + "')";
    // The CRL belongs to the CA in the chain whose subject is its issuer.
    size_t ca = chain.size();
    for (size_t i = 0; i < chain.size(); ++i)
      if (X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_subject_name(chain[i])) == 0) ca = i;
    if (ca == chain.size()) {
      add(FailureKind::CertChainInvalid, crl_name + " is not issued by any CA of the chain");
      continue;
    }
    if (auto r = verify_crl_signed_by(crl, chain[ca]); !r) {
      add(FailureKind::CertChainInvalid, crl_name + ": " + r.error().message());
      continue;  // an unauthenticated CRL says nothing about revocation
    }
    if (options.check_crl_validity) {
      auto window = crl_validity(crl);
      if (!window) {
        add(FailureKind::Malformed, crl_name + ": " + window.error().message());
      } else if (options.at < window->not_before) {
        add(FailureKind::NotYetValid, crl_name + " is not valid before " +
                                          format_rfc3339(window->not_before) + " (checked at " +
                                          format_rfc3339(options.at) + ")");
      } else if (options.at > window->not_after) {
        add(FailureKind::Expired, crl_name + " expired (nextUpdate " +
                                      format_rfc3339(window->not_after) + ", checked at " +
                                      format_rfc3339(options.at) + ")");
      }
    }
    // The certificates this CA issued are the ones just below it.
    if (ca > 0 && is_revoked(crl, chain[ca - 1])) {
      const ASN1_INTEGER* serial = X509_get0_serialNumber(chain[ca - 1]);
      Bytes serial_bytes(ASN1_STRING_get0_data(serial),
                         ASN1_STRING_get0_data(serial) + ASN1_STRING_length(serial));
      add(FailureKind::Revoked, describe(chain[ca - 1], ca - 1) + " (serial " +
                                    to_hex(serial_bytes) + ") is revoked by " + crl_name);
    }
  }
  return failures;
}

bool read_der_tlv(ByteReader& reader, DerTlv* out) {
  ByteReader r = reader;
  uint8_t tag, len0;
  if (!r.read_u8(&tag) || !r.read_u8(&len0)) return false;
  if ((tag & 0x1f) == 0x1f) return false;  // multi-byte tags are not used by the vendor extensions
  size_t len = len0;
  if (len0 & 0x80) {
    size_t n = len0 & 0x7f;
    if (n == 0 || n > 4) return false;  // indefinite or absurd lengths
    len = 0;
    for (size_t i = 0; i < n; ++i) {
      uint8_t b;
      if (!r.read_u8(&b)) return false;
      len = (len << 8) | b;
    }
  }
  std::span<const uint8_t> value;
  if (!r.read_bytes(len, &value)) return false;
  out->tag = tag;
  out->value = value;
  reader = r;
  return true;
}

std::optional<std::string> der_oid_to_text(std::span<const uint8_t> oid) {
  if (oid.empty()) return std::nullopt;
  std::string out;
  uint64_t value = 0;
  bool first = true;
  for (size_t i = 0; i < oid.size(); ++i) {
    if (value > (UINT64_MAX >> 7)) return std::nullopt;
    value = (value << 7) | (oid[i] & 0x7f);
    if (oid[i] & 0x80) {
      if (i + 1 == oid.size()) return std::nullopt;  // truncated arc
      continue;
    }
    if (first) {
      uint64_t a = value < 80 ? value / 40 : 2;
      out = std::to_string(a) + "." + std::to_string(value - a * 40);
      first = false;
    } else {
      out += "." + std::to_string(value);
    }
    value = 0;
  }
  return out;
}

}  // namespace cloister::attest::x509
