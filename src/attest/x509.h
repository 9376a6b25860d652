// SPDX-License-Identifier: Apache-2.0
//
// Small OpenSSL 3 helpers shared by the SEV-SNP and Intel DCAP verifiers:
// owning pointers, loading certificates and CRLs, validity windows as
// TimePoints, signature checks, and chain verification to a root pinned by its
// public key. Chain verification collects every problem (which certificate,
// and whether it is expired, badly signed or revoked) as attest::Failure
// values instead of stopping at the first, like BoringSSL's pki/.
//
// We verify chains ourselves instead of with X509_verify_cert because the
// vendor PKIs need three things it makes awkward: the root is pinned by key
// (Intel re-issued its root certificate with the same key), the verification
// time is an input, and CRL validity may be deliberately not checked.
#pragma once

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "attest/claims.h"
#include "attest/verify.h"
#include "base/byte_reader.h"
#include "base/result.h"

namespace cloister::attest::x509 {

struct X509Free {
  void operator()(X509* p) const { X509_free(p); }
};
struct X509CrlFree {
  void operator()(X509_CRL* p) const { X509_CRL_free(p); }
};
struct EvpPkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct EvpMdCtxFree {
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
struct EvpPkeyCtxFree {
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;
using CrlPtr = std::unique_ptr<X509_CRL, X509CrlFree>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, EvpPkeyFree>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, EvpMdCtxFree>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, EvpPkeyCtxFree>;

// A new reference to the same certificate (X509_up_ref).
X509Ptr share(X509* cert);

// One DER certificate.
Result<X509Ptr> load_cert_der(std::span<const uint8_t> der);
// Every certificate in PEM text, in order; fails if there is none or one is bad.
Result<std::vector<X509Ptr>> load_certs_pem(std::span<const uint8_t> pem);
// PEM (one or several) when the input starts with "-----BEGIN", else one DER certificate.
Result<std::vector<X509Ptr>> load_certs(std::span<const uint8_t> pem_or_der);
// A CRL in DER or PEM.
Result<CrlPtr> load_crl(std::span<const uint8_t> der_or_pem);

struct Validity {
  TimePoint not_before;
  TimePoint not_after;
};
Result<TimePoint> to_time_point(const ASN1_TIME* t);
// notBefore..notAfter of a certificate.
Result<Validity> cert_validity(const X509* cert);
// thisUpdate..nextUpdate of a CRL (a CRL without nextUpdate is malformed for our purposes).
Result<Validity> crl_validity(const X509_CRL* crl);

// The certificate's subject commonName ("" when absent); issuer likewise.
// Bytes outside printable ASCII come back escaped as \xNN (printable_ascii):
// names are untrusted input that ends up in messages and JSON claims.
std::string subject_cn(const X509* cert);
std::string issuer_cn(const X509* cert);
// SHA-256 of the DER SubjectPublicKeyInfo (how roots are pinned) and of the whole certificate.
Bytes spki_sha256(const X509* cert);
Bytes cert_sha256(const X509* cert);
// The DER bytes of the certificate.
Bytes cert_der(const X509* cert);

// The raw value (contents of the extnValue OCTET STRING) of the extension with
// the dotted OID, or nullopt when the certificate has none. Fails on a bad OID
// or a duplicated extension.
Result<std::optional<Bytes>> extension_value(const X509* cert, std::string_view dotted_oid);

// `cert`'s signature verifies with `issuer`'s public key and its issuer name
// equals `issuer`'s subject. Handles ECDSA and RSA-PSS.
Result<void> verify_signed_by(const X509* cert, const X509* issuer);
// The CRL's signature verifies with `issuer`'s key and its issuer name matches.
Result<void> verify_crl_signed_by(const X509_CRL* crl, const X509* issuer);
// True when `cert`'s serial number is listed on `crl` (issuer must match, checked by the caller).
bool is_revoked(const X509_CRL* crl, const X509* cert);

// ECDSA P-256/SHA-256 verification of a raw 64-byte r||s signature over
// `message` with an uncompressed 64-byte x||y public key or an EVP_PKEY.
// Intel DCAP stores both keys and signatures in this raw form.
Result<PkeyPtr> p256_key_from_xy(std::span<const uint8_t> xy);
Result<void> verify_p256_rs(EVP_PKEY* key, std::span<const uint8_t> message,
                            std::span<const uint8_t> rs);
// r||s (each half big-endian, zero-padded) to a DER ECDSA-Sig-Value.
Result<Bytes> ecdsa_rs_to_der(std::span<const uint8_t> rs);

Bytes sha256(std::span<const uint8_t> data);

// Options for verify_chain.
struct ChainOptions {
  TimePoint at;                       // check every validity window at this time
  std::vector<const X509_CRL*> crls;  // each must be issued by a CA in the chain
  bool check_crl_validity = true;     // false: check CRL signatures and entries, not their windows
  // false: only the pinned root and the validity windows at `at` are checked
  // (for callers that cached the result of a full check, which does not depend on time).
  bool check_signatures = true;
  std::string name = "certificate chain";  // used in messages, e.g. "PCK chain"
};

// Verifies `chain` (leaf first, each certificate issued by the next) up to the
// root whose SubjectPublicKeyInfo hashes to `pinned_root_spki_sha256`. The last
// certificate may be that root (any issuance with the pinned key) or a
// certificate it issued, in which case `pinned_root` (a certificate holding the
// pinned key) completes the chain. Returns every failure found (empty = valid):
// CertChainInvalid for signatures, names, CA flags and an unpinned root, Expired
// / NotYetValid for windows at `at`, Revoked for a serial on a CRL, and
// Malformed / Expired for unusable CRLs.
std::vector<Failure> verify_chain(std::span<X509* const> chain,
                                  std::span<const uint8_t> pinned_root_spki_sha256,
                                  const X509* pinned_root, const ChainOptions& options);

// A minimal DER TLV reader for vendor extensions (single-byte tags, definite
// lengths up to 4 length bytes).
struct DerTlv {
  uint8_t tag = 0;
  std::span<const uint8_t> value;
};
bool read_der_tlv(ByteReader& reader, DerTlv* out);
// DER OBJECT IDENTIFIER contents to dotted text ("1.2.840.113741.1.13.1.2").
std::optional<std::string> der_oid_to_text(std::span<const uint8_t> oid);

}  // namespace cloister::attest::x509
