// SPDX-License-Identifier: Apache-2.0
//
// The checks that bind a report to its VCEK/VLEK beyond the signature
// (internal to the SNP verifier; separate so they can be tested on synthetic
// inputs such as a masked chip id, which no real case has).
#pragma once

#include <string>
#include <vector>

#include "attest/snp.h"
#include "attest/snp_cert.h"
#include "attest/verify.h"

namespace cloister::attest::snp {

// REPORTED_TCB, decoded with `product`'s layout, equals the certificate's SPL
// extensions (fmc on Turin, bl, tee, snp, ucode); else ReportedTcbMismatch
// naming each differing or missing component.
void check_reported_tcb(const Report& r, Product product, const EndorsementKeyInfo& info,
                        std::vector<Failure>* failures);

// CHIP_ID equals the VCEK's hwID (64 bytes; Turin: 8 bytes against
// CHIP_ID[0:8]) unless MASK_CHIP_KEY is set; else ChipIdMismatch.
void check_chip_id(const Report& r, Product product, const EndorsementKeyInfo& info,
                   std::vector<std::string>* notes, std::vector<Failure>* failures);

}  // namespace cloister::attest::snp
