// SPDX-License-Identifier: Apache-2.0
//
// The platform-neutral result of verifying attestation evidence. Every
// verifier (SEV-SNP, Intel DCAP SGX/TDX, kvm software evidence) fills the
// typed common fields, which the deployment policy reads, plus `details`:
// every platform-specific claim under the names documented in
// docs/attestation.md (the same names the shared test cases use), which
// `attest show`/`verify --json` print.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace cloister::attest {

enum class Platform { SevSnp, Sgx, Tdx, Kvm, Nil };
// "snp", "sgx", "tdx", "kvm", "nil" (the names policies use).
std::string_view to_string(Platform p);

using Bytes = std::vector<uint8_t>;
using TimePoint = std::chrono::system_clock::time_point;

// The CPU the evidence was produced on, as far as the evidence says.
struct CpuIdentity {
  std::string vendor;        // "AMD" or "Intel"
  std::string product;       // SNP: "Milan", "Genoa", "Turin"; Intel: empty
  std::string product_name;  // SNP: the VCEK/VLEK productName extension, e.g. "Milan-B0"
  std::optional<uint32_t> family, model, stepping;  // SNP report v3+: from the CPUID fields
  Bytes fmspc;                                      // Intel: from the PCK certificate (6 bytes)
};

// The validity window of one piece of collateral or certificate used.
struct CollateralDate {
  std::string name;  // e.g. "vcek", "tcb_info", "qe_identity", "pck_crl", "root_ca_crl"
  TimePoint not_before;
  TimePoint not_after;
};

struct Claims {
  Platform platform = Platform::Nil;
  // False for kvm and nil: the host can read and change the keep's memory.
  bool confidential = false;
  bool debug = false;

  // Launch measurements by name: SNP "measurement"; SGX "mrenclave",
  // "mrsigner"; TDX "mrtd", "rtmr0".."rtmr3", "mrseam", "mrconfigid",
  // "mrowner", "mrownerconfig"; kvm "measurement".
  std::map<std::string, Bytes> measurements;
  Bytes report_data;  // 64 bytes on every platform (binds the keep's key)
  Bytes host_data;    // SNP HOST_DATA; TDX MRCONFIGID; empty where absent

  // TCB by component. SNP: "bootloader", "tee", "snp", "microcode" and, on
  // Turin, "fmc" (from REPORTED_TCB). Intel: "pcesvn", "sgx_comp_00".."15"
  // (PCK certificate), TDX also "tdx_comp_00".."15" (TEE_TCB_SVN).
  std::map<std::string, uint64_t> tcb;
  // Intel: the TCB status of the matching TCB level ("UpToDate",
  // "SWHardeningNeeded", ...); SNP: empty (AMD has no such status).
  std::string tcb_status;
  std::vector<std::string> advisories;  // Intel advisory IDs, e.g. "INTEL-SA-00615"

  CpuIdentity cpu;
  Bytes chip_id;            // SNP CHIP_ID (64 bytes; zero when masked)
  std::string signing_key;  // "vcek", "vlek", "pck" (Intel), "kvm-host"

  // SNP specifics the policy reads.
  std::optional<uint32_t> vmpl;
  std::optional<uint64_t> guest_policy;  // the SNP GUEST POLICY word
  std::optional<uint32_t> firmware_major, firmware_minor, firmware_build;  // CURRENT_*

  std::vector<CollateralDate> collateral;

  // Every platform-specific claim, named as in docs/attestation.md.
  nlohmann::json details = nlohmann::json::object();

  // Added by the common layer (additive; verifiers may leave them empty):
  // Honest, human-readable labels, e.g. "not confidential: the host can read
  // and modify keep memory". claims_to_json() adds that one for every
  // non-confidential keep even when a verifier did not.
  std::vector<std::string> labels;
  // When the evidence says it was produced (kvm evidence carries a host
  // timestamp; SNP/Intel evidence has none). The policy's max evidence age
  // uses this or a nonce time supplied by the caller.
  std::optional<TimePoint> evidence_time;
};

// The JSON claims document printed by `attest show --json`/`verify --json`
// (every key is documented in docs/attestation.md).
nlohmann::json claims_to_json(const Claims& claims);

}  // namespace cloister::attest
