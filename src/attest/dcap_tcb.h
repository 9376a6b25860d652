// SPDX-License-Identifier: Apache-2.0
//
// TCB evaluation as Intel's QVL does it (TcbLevelCheck, EnclaveIdentity and
// TdxModule checks): choose the platform TCB level from the PCK certificate
// (and TEE_TCB_SVN for TDX), the TDX module level, the QE identity level, and
// converge their statuses into the quote's TCB status.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "attest/dcap.h"
#include "attest/dcap_pck.h"
#include "attest/qe_identity.h"
#include "attest/tcb_info.h"
#include "attest/verify.h"

namespace cloister::attest::dcap {

struct TcbEvaluation {
  // The matching TCB level's status and advisories; empty status when no level matches.
  std::string platform_status;
  std::vector<std::string> platform_advisories;
  // TDX with TEE_TCB_SVN[1] > 0: the module identity "TDX_%02X" and its level's status.
  std::optional<std::string> module_id;
  std::string module_status;
  std::vector<std::string> module_advisories;
  std::vector<Failure> failures;  // TcbNotSupported, FmspcMismatch, ...
};

// Chooses the TCB level: the first (newest) level whose SGX components and
// PCESVN are all <= the PCK certificate's and, for TDX, whose TDX components
// are <= TEE_TCB_SVN (from index 2 when TEE_TCB_SVN[1] > 0, the module version
// whose SVN is judged by tdxModuleIdentities instead).
TcbEvaluation evaluate_platform_tcb(const TcbInfo& info, const PckExtensions& pck,
                                    const TdxReportBody* tdx);

struct QeEvaluation {
  std::string status;  // empty when no QE level matches
  std::vector<std::string> advisories;
  std::vector<Failure> failures;  // QeIdentityMismatch
};

// Checks the QE report against the QE identity (MRSIGNER, ISVPRODID, masked
// MISCSELECT and ATTRIBUTES) and chooses the QE TCB level by ISVSVN.
QeEvaluation evaluate_qe_identity(const QeIdentity& identity, const SgxReportBody& qe_report);

// The quote's overall status: the platform status, lowered to OutOfDate /
// OutOfDateConfigurationNeeded when the QE or TDX module level is out of date,
// and Revoked when any of them is revoked.
std::string converge_status(const std::string& platform, const std::string& qe,
                            const std::string& module);

}  // namespace cloister::attest::dcap
