// SPDX-License-Identifier: Apache-2.0
//
// What every evidence verifier returns. Verification collects every failed
// check (as BoringSSL's pki/ does for certificates) instead of stopping at the
// first, so an auditor sees all that is wrong; `kind` gives a stable name a
// program (and the test cases) can match on.
#pragma once

#include <string>
#include <vector>

#include "attest/claims.h"

namespace cloister::attest {

enum class FailureKind {
  Malformed,  // evidence or a certificate/collateral could not be parsed
  Expired,    // something needed is outside its validity at the verification time
  NotYetValid,
  ReportSignatureInvalid,   // the report/quote signature does not verify
  CertChainInvalid,         // a certificate chain does not lead to the pinned root
  Revoked,                  // a certificate is on a CRL
  ChipIdMismatch,           // SNP: CHIP_ID differs from the VCEK's hwID
  ReportedTcbMismatch,      // SNP: REPORTED_TCB differs from the VCEK's TCB extensions
  TcbInfoSignatureInvalid,  // Intel: TCB Info signature
  QeIdentitySignatureInvalid,
  QeIdentityMismatch,  // Intel: the QE report does not match the QE identity
  QeReportInvalid,     // Intel: QE report signature or report data binding
  FmspcMismatch,       // Intel: TCB Info is for another platform
  TcbNotSupported,     // Intel: no TCB level matches the platform
  TcbRevoked,          // Intel: the matching TCB level is Revoked
  CollateralMissing,   // a needed certificate or collateral file was not supplied
  Unsupported,         // a format or version we do not implement
};
// snake_case name, as used in the test cases: "expired", "report_signature_invalid", ...
std::string_view to_string(FailureKind k);

struct Failure {
  FailureKind kind;
  std::string message;  // names what failed and the values involved
};

struct Verification {
  // True when every check passed. Claims are filled as far as parsing got,
  // even on failure, so `show` and diagnostics can print them.
  bool verified() const { return failures.empty(); }
  std::vector<Failure> failures;
  std::vector<std::string> notes;  // non-fatal observations, e.g. trailing bytes ignored
  Claims claims;
};

}  // namespace cloister::attest
