// SPDX-License-Identifier: Apache-2.0
//
// One entry point for every evidence format Cloister understands: format
// detection and a dispatcher to the platform verifiers (snp.h, dcap.h,
// kvm_evidence.h). The CLI and the steward use only this header.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "attest/claims.h"
#include "attest/dcap.h"
#include "attest/verify.h"
#include "base/result.h"

namespace cloister::attest {

enum class EvidenceFormat {
  SnpReport,       // "snp-attestation-report": a raw ATTESTATION_REPORT
  AzureHclReport,  // "azure-hcl-report": an Azure CVM HCL report wrapping an SNP report
  DcapQuoteV3,     // "intel-dcap-quote-v3": SGX
  DcapQuoteV4,     // "intel-dcap-quote-v4": TDX 1.0 (or SGX)
  DcapQuoteV5,     // "intel-dcap-quote-v5": TDX 1.0/1.5
  Kvm,             // "kvm-evidence": kvm_evidence.h
};
// The names above (the ones cases.json and `--format` use).
std::string_view to_string(EvidenceFormat f);
Result<EvidenceFormat> parse_evidence_format(std::string_view name);
// Every accepted --format name, comma separated (for help texts).
std::string evidence_format_names();

// Recognises a format from the leading bytes; explains what it saw on failure.
Result<EvidenceFormat> detect_evidence_format(std::span<const uint8_t> bytes);

struct VerifyOptions {
  // SNP: VCEK/VLEK first, then optional ASK/ASVK and ARK (DER or PEM). Also
  // accepted for kvm evidence as trusted host keys/certificates.
  std::vector<Bytes> certs;
  std::vector<Bytes> crls;                     // SNP: AMD KDS CRLs (DER or PEM)
  std::optional<dcap::Collateral> collateral;  // Intel
  std::vector<Bytes> kvm_trusted_host_keys;    // kvm: PEM/DER public keys or certificates
  TimePoint at = std::chrono::system_clock::now();
  // Checks the caller explicitly waives because the collateral cannot
  // support them (see docs/attestation.md): "pck_crl" (no PCK CRL of that
  // period exists) and "root_ca_crl_validity" (the only root CA CRL is newer
  // than the quote; its signature and contents are still checked). A waived
  // failure becomes a note; every other failure stays.
  std::vector<std::string> skip_checks;
};
// The check names VerifyOptions::skip_checks accepts.
inline constexpr std::string_view kSkippableChecks[] = {"pck_crl", "root_ca_crl_validity"};

// Decoded evidence for `attest show`: the claims that the bytes state (no
// signature checks), plus notes such as trailing bytes.
struct ShownEvidence {
  EvidenceFormat format;
  Claims claims;
  std::vector<std::string> notes;
};

// Decodes `bytes` as `format` (detected when absent). Fails when the bytes
// are not that format or are truncated/malformed. For SNP, `certs` may hold
// the VCEK/VLEK (first) so that a v2 report, which has no CPUID fields, shows
// its product; nothing is verified.
Result<ShownEvidence> show_evidence(std::span<const uint8_t> bytes,
                                    std::optional<EvidenceFormat> format = std::nullopt,
                                    const std::vector<Bytes>& certs = {});

// Verifies `bytes` as `format` (detected when absent). An undetectable or
// undecodable input is a Verification with a Malformed failure.
Verification verify_evidence(std::span<const uint8_t> bytes, std::optional<EvidenceFormat> format,
                             const VerifyOptions& options);

}  // namespace cloister::attest
