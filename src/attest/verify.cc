// SPDX-License-Identifier: Apache-2.0
#include "attest/verify.h"

namespace cloister::attest {

std::string_view to_string(FailureKind k) {
  switch (k) {
    case FailureKind::Malformed:
      return "malformed";
    case FailureKind::Expired:
      return "expired";
    case FailureKind::NotYetValid:
      return "not_yet_valid";
    case FailureKind::ReportSignatureInvalid:
      return "report_signature_invalid";
    case FailureKind::CertChainInvalid:
      return "cert_chain_invalid";
    case FailureKind::Revoked:
      return "revoked";
    case FailureKind::ChipIdMismatch:
      return "chip_id_mismatch";
    case FailureKind::ReportedTcbMismatch:
      return "reported_tcb_mismatch";
    case FailureKind::TcbInfoSignatureInvalid:
      return "tcb_info_signature_invalid";
    case FailureKind::QeIdentitySignatureInvalid:
      return "qe_identity_signature_invalid";
    case FailureKind::QeIdentityMismatch:
      return "qe_identity_mismatch";
    case FailureKind::QeReportInvalid:
      return "qe_report_invalid";
    case FailureKind::FmspcMismatch:
      return "fmspc_mismatch";
    case FailureKind::TcbNotSupported:
      return "tcb_not_supported";
    case FailureKind::TcbRevoked:
      return "tcb_revoked";
    case FailureKind::CollateralMissing:
      return "collateral_missing";
    case FailureKind::Unsupported:
      return "unsupported";
  }
  return "unknown";
}

}  // namespace cloister::attest
