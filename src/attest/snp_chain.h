// SPDX-License-Identifier: Apache-2.0
//
// The AMD certificate chain of an SEV-SNP report, checked once and cached
// (internal to the SNP verifier): VCEK -> ASK -> ARK or VLEK -> ASVK -> ARK,
// the ARK pinned in the binary. Checks that do not depend on the verification
// time are done when the chain is built and kept as failures; validity
// windows are kept and evaluated at each verification's time.
#pragma once

#include <openssl/x509.h>

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "attest/snp.h"
#include "attest/snp_cert.h"
#include "attest/verify.h"
#include "attest/x509.h"

namespace cloister::attest::snp {

// A validity window to check at verification time.
struct Window {
  std::string what;             // e.g. "VCEK 'SEV-VCEK'", "CRL of 'ARK-Milan'"
  std::string collateral_name;  // Claims::collateral name: "vcek", "ask", "ark", "crl"
  x509::Validity validity;
};

struct CheckedChain {
  Product product = Product::Unknown;           // from the certificates
  std::optional<SigningKey> key_kind;           // from the leaf's subject CN
  std::optional<EndorsementKeyInfo> leaf_info;  // when the leaf's extensions parse
  nlohmann::json signing_cert;                  // endorsement_key_json(*leaf_info)
  std::vector<x509::X509Ptr> certs;             // leaf, intermediate, ARK
  EVP_PKEY* leaf_key = nullptr;                 // owned by certs[0]; null when unusable
  std::vector<Failure> failures;                // time-independent failures
  std::vector<Window> windows;
};

// Builds and checks the chain for `certs` (leaf first; see VerifyInputs) and
// `crls`. When the certificates do not name their product or key kind, the
// report's (`report_product`, `report_key`) are used.
std::shared_ptr<const CheckedChain> check_chain(const std::vector<Bytes>& certs,
                                                const std::vector<Bytes>& crls,
                                                Product report_product, uint8_t report_key);

// CRL checks on a verified chain (leaf first, root last): each CRL must be
// issued by one of the chain's CAs and signed by it (else CertChainInvalid);
// the certificate that CA issued must not be listed (else Revoked). The CRL's
// thisUpdate..nextUpdate is appended to `windows`.
void check_crls(std::span<const X509* const> chain, std::span<const X509_CRL* const> crls,
                std::vector<Failure>* failures, std::vector<Window>* windows);

// NotYetValid / Expired failures for the windows that do not contain `at`.
void check_windows(std::span<const Window> windows, TimePoint at, std::vector<Failure>* failures);

}  // namespace cloister::attest::snp
