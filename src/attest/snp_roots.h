// SPDX-License-Identifier: Apache-2.0
//
// The AMD certificates built into Cloister (internal to the SNP verifier).
#pragma once

#include <openssl/x509.h>

#include <string_view>

#include "attest/snp.h"

namespace cloister::attest::snp {

enum class BuiltinCert { Ark, Ask, Asvk };

// The PEM text of a built-in certificate; empty for Product::Unknown.
std::string_view builtin_pem(Product product, BuiltinCert which);
// The parsed certificate, loaded once per process; nullptr for Product::Unknown.
// The returned pointer lives as long as the process.
const X509* builtin_cert(Product product, BuiltinCert which);

}  // namespace cloister::attest::snp
