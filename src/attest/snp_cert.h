// SPDX-License-Identifier: Apache-2.0
//
// The AMD extensions of a VCEK or VLEK certificate (internal to the SNP
// verifier). OIDs under 1.3.6.1.4.1.3704.1 (AMD #57230 "VCEK Certificate
// Extensions", #58369 for the VLEK's cspId).
#pragma once

#include <openssl/x509.h>

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "attest/claims.h"
#include "base/result.h"

namespace cloister::attest::snp {

struct EndorsementKeyInfo {
  std::string subject_cn;                  // "SEV-VCEK" or "SEV-VLEK"
  std::optional<uint32_t> struct_version;  // .1.1
  std::string product_name;                // .1.2, e.g. "Milan-B0"
  // .1.3.x security patch levels: bl (.1), tee (.2), snp (.3), spl_4..7
  // (.4-.7), ucode (.8), fmc (.9, Turin).
  std::optional<uint32_t> bl, tee, snp, spl_4, spl_5, spl_6, spl_7, ucode, fmc;
  Bytes hwid;          // .1.4, VCEK only: 64 bytes (8 on Turin); empty when absent
  std::string csp_id;  // .1.5, VLEK only
  TimePoint not_before, not_after;
};

// Reads the AMD extensions. hwID is accepted both as the raw bytes (what KDS
// serves) and wrapped in a DER OCTET STRING (some tools re-encode it).
Result<EndorsementKeyInfo> parse_endorsement_key_cert(const X509* cert);

// {"subject_cn", "validity": "<nb>..<na>", "extensions": {productName, bl,
// tee, snp, ucode, fmc, hwid, cspId}} (the shape of the test cases'
// `signing_cert`).
nlohmann::json endorsement_key_json(const EndorsementKeyInfo& info);

}  // namespace cloister::attest::snp
