// SPDX-License-Identifier: Apache-2.0
//
// The Intel SGX extensions of a PCK certificate (OID 1.2.840.113741.1.13.1):
// the platform's FMSPC, PCE ID and the TCB it was issued for. Layout from
// Intel's "SGX PCK Certificate and CRL Profile".
#pragma once

#include <openssl/x509.h>

#include <array>
#include <cstdint>
#include <span>

#include "base/result.h"

namespace cloister::attest::dcap {

inline constexpr char kSgxExtensionsOid[] = "1.2.840.113741.1.13.1";

struct PckExtensions {
  std::array<uint8_t, 16> ppid{};
  std::array<uint8_t, 16> sgx_tcb_comp_svn{};  // components 1..16
  uint16_t pcesvn = 0;
  std::array<uint8_t, 16> cpusvn{};
  std::array<uint8_t, 2> pce_id{};
  std::array<uint8_t, 6> fmspc{};
};

// Decodes the DER value of the SGX extensions (a SEQUENCE of OID/value pairs).
// FMSPC, PCE-ID and the full TCB (16 components, PCESVN, CPUSVN) are required.
Result<PckExtensions> parse_sgx_extensions(std::span<const uint8_t> der);
// Finds and decodes the SGX extensions of a PCK certificate.
Result<PckExtensions> pck_extensions(const X509* pck);

}  // namespace cloister::attest::dcap
