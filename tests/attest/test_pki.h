// SPDX-License-Identifier: Apache-2.0
//
// Building blocks for the private test PKIs that the attestation tests make
// with OpenSSL (keys, certificates, CRLs, PEM/DER encodings). Each test keeps
// its own policy (validity windows, extensions, how and whether signing is
// checked); only the mechanics live here, so they are written once.
#pragma once

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <ctime>
#include <string>
#include <vector>

#include "attest/claims.h"
#include "attest/x509.h"

namespace cloister::attest::test_pki {

inline x509::PkeyPtr new_p256_key() {
  return x509::PkeyPtr(EVP_EC_gen("P-256"));
}

// Adds the X.509v3 extension `nid` = `value` (OpenSSL config syntax) to `cert`;
// `issuer` null means self-issued.
inline void add_ext(X509* cert, const X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer ? const_cast<X509*>(issuer) : cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

// An unsigned v3 certificate for CN=`cn` carrying `subject_key`, issued by
// `issuer` (self-issued when null); the caller adds extensions and signs.
inline x509::X509Ptr unsigned_cert(const std::string& cn, long serial, EVP_PKEY* subject_key,
                                   const X509* issuer, time_t not_before, time_t not_after) {
  x509::X509Ptr cert(X509_new());
  X509* c = cert.get();
  X509_set_version(c, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(c), serial);
  X509_NAME_add_entry_by_txt(X509_get_subject_name(c), "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509_set_issuer_name(c, issuer ? X509_get_subject_name(issuer) : X509_get_subject_name(c));
  ASN1_TIME_set(X509_getm_notBefore(c), not_before);
  ASN1_TIME_set(X509_getm_notAfter(c), not_after);
  X509_set_pubkey(c, subject_key);
  return cert;
}

// An unsigned v2 CRL from `issuer` revoking `revoked` (each dated
// `this_update`), entries sorted; the caller signs it.
inline x509::CrlPtr unsigned_crl(const X509* issuer, const std::vector<long>& revoked,
                                 time_t this_update, time_t next_update) {
  x509::CrlPtr crl(X509_CRL_new());
  X509_CRL_set_version(crl.get(), 1);
  X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(issuer));
  ASN1_TIME* tu = ASN1_TIME_set(nullptr, this_update);
  ASN1_TIME* nu = ASN1_TIME_set(nullptr, next_update);
  X509_CRL_set1_lastUpdate(crl.get(), tu);
  X509_CRL_set1_nextUpdate(crl.get(), nu);
  for (long serial : revoked) {
    X509_REVOKED* r = X509_REVOKED_new();
    ASN1_INTEGER* s = ASN1_INTEGER_new();
    ASN1_INTEGER_set(s, serial);
    X509_REVOKED_set_serialNumber(r, s);
    X509_REVOKED_set_revocationDate(r, tu);
    X509_CRL_add0_revoked(crl.get(), r);
    ASN1_INTEGER_free(s);
  }
  ASN1_TIME_free(tu);
  ASN1_TIME_free(nu);
  X509_CRL_sort(crl.get());
  return crl;
}

inline Bytes crl_der(const X509_CRL* crl) {
  unsigned char* der = nullptr;
  int len = i2d_X509_CRL(crl, &der);
  Bytes out(der, der + len);
  OPENSSL_free(der);
  return out;
}

inline std::string cert_pem(const X509* cert) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, const_cast<X509*>(cert));
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(len));
  BIO_free(bio);
  return out;
}

}  // namespace cloister::attest::test_pki
