// SPDX-License-Identifier: Apache-2.0
#include "attest/snp_chain.h"

#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/x509v3.h>

#include <cstring>

#include "attest/snp_roots.h"
#include "base/hex.h"
#include "base/time.h"

namespace cloister::attest::snp {
namespace {

std::string quoted_cn(const X509* cert) {
  // Appended piecewise: `"'" + std::string&&` trips g++ 12's -Wrestrict false positive.
  std::string out = "'";
  out += x509::subject_cn(cert);
  out += "'";
  return out;
}

// "SEV-Milan" -> Milan, "SEV-VLEK-Genoa" -> Genoa: the product an ASK/ASVK
// (and so the issuer of a VCEK/VLEK) is for.
Product product_from_issuer_cn(std::string_view cn) {
  if (cn.starts_with("SEV-VLEK-")) return product_from_name(cn.substr(9));
  if (cn.starts_with("SEV-")) return product_from_name(cn.substr(4));
  return Product::Unknown;
}

bool is_p384_key(EVP_PKEY* key) {
  if (key == nullptr || EVP_PKEY_get_base_id(key) != EVP_PKEY_EC) return false;
  char group[64];
  size_t len = 0;
  if (EVP_PKEY_get_group_name(key, group, sizeof(group), &len) != 1) return false;
  return std::string_view(group, len) == "secp384r1";
}

}  // namespace

void check_crls(std::span<const X509* const> chain, std::span<const X509_CRL* const> crls,
                std::vector<Failure>* failures, std::vector<Window>* windows) {
  for (size_t c = 0; c < crls.size(); ++c) {
    const X509_CRL* crl = crls[c];
    const std::string name = "CRL " + std::to_string(c);
    // The CRL belongs to the CA of the chain whose subject is its issuer.
    size_t ca = 0;
    for (size_t i = 1; i < chain.size() && ca == 0; ++i)
      if (X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_subject_name(chain[i])) == 0) ca = i;
    if (ca == 0) {
      failures->push_back({FailureKind::CertChainInvalid,
                           name + " is not issued by a CA of the certificate chain"});
      continue;
    }
    if (auto r = x509::verify_crl_signed_by(crl, chain[ca]); !r) {
      failures->push_back({FailureKind::CertChainInvalid, name + ": " + r.error().message()});
      continue;  // an unauthenticated CRL says nothing about revocation
    }
    auto validity = x509::crl_validity(crl);
    if (!validity) {
      failures->push_back({FailureKind::Malformed, name + ": " + validity.error().message()});
    } else {
      windows->push_back({name + " of " + quoted_cn(chain[ca]), "crl", *validity});
    }
    if (x509::is_revoked(crl, chain[ca - 1])) {
      const ASN1_INTEGER* serial = X509_get0_serialNumber(chain[ca - 1]);
      Bytes serial_bytes(ASN1_STRING_get0_data(serial),
                         ASN1_STRING_get0_data(serial) + ASN1_STRING_length(serial));
      failures->push_back({FailureKind::Revoked, "certificate " + quoted_cn(chain[ca - 1]) +
                                                     " (serial " + to_hex(serial_bytes) +
                                                     ") is revoked by " + name + " of " +
                                                     quoted_cn(chain[ca])});
    }
  }
}

void check_windows(std::span<const Window> windows, TimePoint at, std::vector<Failure>* failures) {
  for (const Window& w : windows) {
    if (at < w.validity.not_before) {
      failures->push_back({FailureKind::NotYetValid, w.what + " is not valid before " +
                                                         format_rfc3339(w.validity.not_before) +
                                                         " (verification time " +
                                                         format_rfc3339(at) + ")"});
    } else if (at > w.validity.not_after) {
      failures->push_back(
          {FailureKind::Expired, w.what + " expired " + format_rfc3339(w.validity.not_after) +
                                     " (verification time " + format_rfc3339(at) + ")"});
    }
  }
}

namespace {

void build_chain(const std::vector<Bytes>& cert_inputs, const std::vector<Bytes>& crl_inputs,
                 Product report_product, uint8_t report_key, CheckedChain* out) {
  auto add = [&](FailureKind kind, std::string message) {
    out->failures.push_back({kind, std::move(message)});
  };

  // Certificates, flattening PEM bundles (KDS serves ASK+ARK in one file).
  std::vector<x509::X509Ptr> supplied;
  for (size_t i = 0; i < cert_inputs.size(); ++i) {
    auto loaded = x509::load_certs(cert_inputs[i]);
    if (!loaded) {
      add(FailureKind::Malformed,
          "certificate input " + std::to_string(i) + ": " + loaded.error().message());
      return;
    }
    for (auto& c : *loaded) supplied.push_back(std::move(c));
  }
  if (supplied.empty()) {
    add(FailureKind::CollateralMissing,
        "no VCEK/VLEK certificate supplied: the report's signing key is needed");
    return;
  }
  if (supplied.size() > 3) {
    add(FailureKind::CertChainInvalid,
        std::to_string(supplied.size()) +
            " certificates supplied; expected VCEK/VLEK [, ASK/ASVK [, ARK]]");
  }
  const X509* leaf = supplied[0].get();

  // The leaf: a VCEK or VLEK with a P-384 key and AMD's extensions.
  const std::string leaf_cn = x509::subject_cn(leaf);
  if (leaf_cn == "SEV-VCEK") {
    out->key_kind = SigningKey::Vcek;
  } else if (leaf_cn == "SEV-VLEK") {
    out->key_kind = SigningKey::Vlek;
  } else {
    add(FailureKind::CertChainInvalid,
        "the first certificate (" + quoted_cn(leaf) + ") is neither a VCEK nor a VLEK");
  }
  auto info = parse_endorsement_key_cert(leaf);
  if (info) {
    out->leaf_info = std::move(*info);
    out->signing_cert = endorsement_key_json(*out->leaf_info);
  } else {
    add(FailureKind::Malformed, "certificate " + quoted_cn(leaf) + ": " + info.error().message());
  }
  EVP_PKEY* leaf_key = X509_get0_pubkey(leaf);
  if (!is_p384_key(leaf_key)) {
    add(FailureKind::CertChainInvalid,
        "certificate " + quoted_cn(leaf) + " does not hold an ECDSA P-384 public key");
    leaf_key = nullptr;
  }

  // The product: the VCEK's productName, else its issuer's name, else the
  // report's CPUID. verify() cross-checks it with the report.
  if (out->leaf_info) out->product = product_from_name(out->leaf_info->product_name);
  if (out->product == Product::Unknown)
    out->product = product_from_issuer_cn(x509::issuer_cn(leaf));
  if (out->product == Product::Unknown) out->product = report_product;
  if (out->product == Product::Unknown) {
    add(FailureKind::CertChainInvalid,
        "cannot tell the AMD product (Milan, Genoa, Turin) from the certificate or the report");
    return;
  }
  const SigningKey kind = out->key_kind.value_or(static_cast<SigningKey>(report_key));
  const bool vlek = kind == SigningKey::Vlek;
  const std::string product_name(to_string(out->product));

  const X509* ark = builtin_cert(out->product, BuiltinCert::Ark);
  const X509* intermediate =
      supplied.size() >= 2
          ? supplied[1].get()
          : builtin_cert(out->product, vlek ? BuiltinCert::Asvk : BuiltinCert::Ask);
  const std::string intermediate_role = vlek ? "ASVK" : "ASK";
  const std::string expected_intermediate_cn = (vlek ? "SEV-VLEK-" : "SEV-") + product_name;

  // The ARK is pinned: one supplied by the caller must be the built-in one.
  if (supplied.size() >= 3 && x509::cert_der(supplied[2].get()) != x509::cert_der(ark)) {
    add(FailureKind::CertChainInvalid, "certificate " + quoted_cn(supplied[2].get()) +
                                           " given as the root is not the pinned ARK-" +
                                           product_name + " (SHA-256 " +
                                           to_hex(x509::cert_sha256(supplied[2].get())) + ")");
  }
  if (auto r = x509::verify_signed_by(ark, ark); !r)
    add(FailureKind::CertChainInvalid, "ARK-" + product_name + ": " + r.error().message());

  if (x509::subject_cn(intermediate) != expected_intermediate_cn) {
    add(FailureKind::CertChainInvalid, "the " + intermediate_role + " must be '" +
                                           expected_intermediate_cn + "', got " +
                                           quoted_cn(intermediate));
  }
  if (auto r = x509::verify_signed_by(intermediate, ark); !r) {
    add(FailureKind::CertChainInvalid, intermediate_role + " " + quoted_cn(intermediate) +
                                           " is not issued by ARK-" + product_name + ": " +
                                           r.error().message());
  }
  if (X509_check_ca(const_cast<X509*>(intermediate)) == 0) {
    add(FailureKind::CertChainInvalid,
        intermediate_role + " " + quoted_cn(intermediate) + " is not a CA certificate");
  }
  if (auto r = x509::verify_signed_by(leaf, intermediate); !r) {
    add(FailureKind::CertChainInvalid, "certificate " + quoted_cn(leaf) + " is not issued by " +
                                           quoted_cn(intermediate) + ": " + r.error().message());
  }
  // AMD signs ASKs, ASVKs, VCEKs and VLEKs with RSASSA-PSS (SHA-384, salt 48).
  for (const X509* c : {leaf, intermediate}) {
    if (X509_get_signature_nid(c) != NID_rsassaPss)
      add(FailureKind::CertChainInvalid,
          "certificate " + quoted_cn(c) + " is not signed with RSASSA-PSS as AMD signs");
  }

  const std::string leaf_role = kind == SigningKey::Vlek ? "vlek" : "vcek";
  auto add_window = [&](const X509* cert, const std::string& role_name,
                        const std::string& collateral_name) {
    auto v = x509::cert_validity(cert);
    if (!v) {
      add(FailureKind::Malformed, "certificate " + quoted_cn(cert) + ": " + v.error().message());
      return;
    }
    out->windows.push_back({role_name + " " + quoted_cn(cert), collateral_name, *v});
  };
  add_window(leaf, vlek ? "VLEK" : "VCEK", leaf_role);
  add_window(intermediate, intermediate_role, vlek ? "asvk" : "ask");
  add_window(ark, "ARK", "ark");

  std::vector<x509::CrlPtr> crls;
  for (size_t i = 0; i < crl_inputs.size(); ++i) {
    auto crl = x509::load_crl(crl_inputs[i]);
    if (!crl) {
      add(FailureKind::Malformed, "CRL " + std::to_string(i) + ": " + crl.error().message());
      continue;
    }
    crls.push_back(std::move(*crl));
  }
  std::vector<const X509_CRL*> crl_ptrs;
  for (auto& c : crls) crl_ptrs.push_back(c.get());
  const X509* chain[] = {leaf, intermediate, ark};
  check_crls(chain, crl_ptrs, &out->failures, &out->windows);

  out->certs.push_back(std::move(supplied[0]));
  out->certs.push_back(x509::share(const_cast<X509*>(intermediate)));
  out->certs.push_back(x509::share(const_cast<X509*>(ark)));
  out->leaf_key = leaf_key;  // owned by out->certs[0]
}

}  // namespace

std::shared_ptr<const CheckedChain> check_chain(const std::vector<Bytes>& cert_inputs,
                                                const std::vector<Bytes>& crl_inputs,
                                                Product report_product, uint8_t report_key) {
  auto out = std::make_shared<CheckedChain>();
  build_chain(cert_inputs, crl_inputs, report_product, report_key, out.get());
  return out;
}

}  // namespace cloister::attest::snp
