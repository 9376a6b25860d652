// SPDX-License-Identifier: Apache-2.0
//
// Internal to the DCAP verifier: the claims a quote states, shared by
// claims_from_quote (show) and verification.
#pragma once

#include <vector>

#include "attest/dcap.h"
#include "attest/dcap_pck.h"
#include "attest/x509.h"

namespace cloister::attest::dcap {

// The PEM PCK chain (leaf first) of a quote with certification data type 5.
Result<std::vector<x509::X509Ptr>> pck_chain_from_quote(const Quote& quote);

// Fills the platform-neutral fields and `details` from the quote and, when
// known, its PCK chain and the PCK certificate's SGX extensions.
void fill_quote_claims(const Quote& quote, const std::vector<x509::X509Ptr>* pck_chain,
                       const PckExtensions* pck, std::span<const uint8_t> input_bytes,
                       Claims* claims);

}  // namespace cloister::attest::dcap
