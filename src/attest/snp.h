// SPDX-License-Identifier: Apache-2.0
//
// AMD SEV-SNP attestation reports: decoding and verification.
//
// Layout and semantics follow the SEV Secure Nested Paging Firmware ABI
// Specification (AMD #56860), table "ATTESTATION_REPORT Structure", and the
// VCEK/VLEK certificate format of the Versioned Chip/Loaded Endorsement Key
// specifications (AMD #57230, #58369). What is checked and in which order is
// documented in docs/attestation-snp.md.
//
// Typical use:
//   auto v = snp::verify(report_bytes, {.certs = {vcek_der}, .at = now});
//   if (v.verified()) use(v.claims);
// A service that verifies many reports keeps one snp::Verifier, which caches
// each certificate chain after it has been verified once.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "attest/claims.h"
#include "attest/verify.h"
#include "base/result.h"

namespace cloister::attest::snp {

inline constexpr size_t kReportSize = 0x4A0;  // 1184 bytes
inline constexpr size_t kSignedSize = 0x2A0;  // the signature covers bytes [0, 0x2A0)
inline constexpr size_t kSignatureOffset = 0x2A0;

// The AMD EPYC generation; each has its own ARK/ASK/ASVK.
enum class Product { Unknown, Milan, Genoa, Turin };
// "Milan", "Genoa", "Turin"; "" for Unknown.
std::string_view to_string(Product p);
// From a VCEK/VLEK productName ("Milan-B0", "Genoa", "Turin"): the part before '-'.
Product product_from_name(std::string_view product_name);
// From the report's CPUID fields (v3+): family 19h models 00-0F Milan, 10-1F and
// A0-AF Genoa; family 1Ah models 00-11 Turin; anything else Unknown.
Product product_from_cpuid(uint8_t family, uint8_t model);

// A TCB_VERSION: 8 bytes whose meaning depends on the product.
using TcbVersion = std::array<uint8_t, 8>;
// The security patch levels of a TCB_VERSION. Milan/Genoa: BOOT_LOADER, TEE,
// 4 reserved bytes, SNP, MICROCODE. Turin: FMC, BOOT_LOADER, TEE, SNP, 3
// reserved bytes, MICROCODE.
struct TcbComponents {
  std::optional<uint8_t> fmc;  // Turin only
  uint8_t bootloader = 0;
  uint8_t tee = 0;
  uint8_t snp = 0;
  uint8_t microcode = 0;
};
TcbComponents decode_tcb(const TcbVersion& tcb, Product product);

// The signing key named by KEY_INFO bits 2-4.
enum class SigningKey : uint8_t { Vcek = 0, Vlek = 1, None = 7 };

// Every field of ATTESTATION_REPORT versions 2, 3 and 5, in report order.
// Multi-byte integers are decoded from little-endian; byte arrays are kept as
// stored. Reserved ranges are not kept (parse_report notes non-zero ones).
struct Report {
  uint32_t version = 0;                         // 0x000
  uint32_t guest_svn = 0;                       // 0x004
  uint64_t policy = 0;                          // 0x008  guest policy (see policy_flag_names)
  std::array<uint8_t, 16> family_id{};          // 0x010
  std::array<uint8_t, 16> image_id{};           // 0x020
  uint32_t vmpl = 0;                            // 0x030
  uint32_t signature_algo = 0;                  // 0x034  1 = ECDSA P-384 with SHA-384
  TcbVersion current_tcb{};                     // 0x038
  uint64_t platform_info = 0;                   // 0x040
  uint32_t key_info = 0;                        // 0x048  raw word; decoded below
  bool author_key_en = false;                   //        bit 0
  bool mask_chip_key = false;                   //        bit 1
  uint8_t signing_key = 0;                      //        bits 2-4 (0 VCEK, 1 VLEK, 7 none)
  std::array<uint8_t, 64> report_data{};        // 0x050
  std::array<uint8_t, 48> measurement{};        // 0x090
  std::array<uint8_t, 32> host_data{};          // 0x0C0
  std::array<uint8_t, 48> id_key_digest{};      // 0x0E0
  std::array<uint8_t, 48> author_key_digest{};  // 0x110
  std::array<uint8_t, 32> report_id{};          // 0x140
  std::array<uint8_t, 32> report_id_ma{};       // 0x160
  TcbVersion reported_tcb{};                    // 0x180
  // 0x188-0x18A, version 3 and later only.
  std::optional<uint8_t> cpuid_fam_id, cpuid_mod_id, cpuid_step;
  std::array<uint8_t, 64> chip_id{};  // 0x1A0  (Turin: 8 significant bytes)
  TcbVersion committed_tcb{};         // 0x1E0
  uint8_t current_build = 0, current_minor = 0, current_major = 0;        // 0x1E8-0x1EA
  uint8_t committed_build = 0, committed_minor = 0, committed_major = 0;  // 0x1EC-0x1EE
  TcbVersion launch_tcb{};                                                // 0x1F0
  // 0x1F8 and 0x200, version 5 and later only.
  std::optional<uint64_t> launch_mit_vector, current_mit_vector;
  // 0x2A0: ECDSA P-384 signature; R and S are little-endian in 72-byte fields
  // (only the low 48 bytes are significant).
  std::array<uint8_t, 72> signature_r{};
  std::array<uint8_t, 72> signature_s{};

  SigningKey signing_key_kind() const { return static_cast<SigningKey>(signing_key); }
};

// Decodes an ATTESTATION_REPORT (versions 2, 3 and 5). Fails on a short
// buffer or an unknown version. Bytes after the 1184-byte report are ignored
// and reported in `notes` (when given), as are non-zero reserved fields.
Result<Report> parse_report(std::span<const uint8_t> bytes, std::vector<std::string>* notes);

// The product the report says it comes from: from CPUID for v3+, else Unknown.
Product report_product(const Report& r);

// Names of the set guest-policy flag bits 16 and up ("SMT", "RESERVED_1",
// "MIGRATE_MA", "DEBUG", "SINGLE_SOCKET", ...; "BIT_n" for undefined bits).
std::vector<std::string> policy_flag_names(uint64_t policy);

// Claims from the report alone (no signature checks), for `attest show`. The
// product comes from the report's CPUID fields, else from `product_hint` (the
// VCEK's productName when known). `details` holds the keys documented in
// docs/attestation-snp.md (those of the shared test cases).
Claims claims_from_report(const Report& report, Product product_hint = Product::Unknown);

// Azure confidential VMs wrap the report in an HCL report (magic "HCLA"); the
// SNP report starts at offset 0x20. Returns the report bytes, or an error
// when `bytes` is not an HCL report holding a full SNP report.
Result<std::span<const uint8_t>> report_from_azure_hcl(std::span<const uint8_t> bytes);

// The parts of an Azure HCL report: the SNP report, then at 0x4C0 the
// runtime-data header (data size, version, report type, hash type, size)
// and at 0x4D4 the runtime data (JSON holding the vTPM keys), whose hash the
// SNP report binds in REPORT_DATA[0:32].
struct AzureHclReport {
  std::span<const uint8_t> report;          // 1184 bytes
  uint32_t report_type = 0, hash_type = 0;  // hash type 1 = SHA-256
  std::span<const uint8_t> runtime_data;
};
Result<AzureHclReport> parse_azure_hcl(std::span<const uint8_t> bytes);
// Checks REPORT_DATA[0:32] == SHA-256(runtime data) and REPORT_DATA[32:64]
// == 0 (hash type 1, the only one implemented).
Result<void> check_azure_runtime_data(const AzureHclReport& hcl, const Report& report);

struct VerifyInputs {
  // Leaf first: VCEK or VLEK [, ASK or ASVK [, ARK]], each DER or PEM (a PEM
  // entry may hold several certificates, e.g. the KDS "cert_chain" ASK+ARK).
  // Missing ASK/ASVK/ARK are taken from the copies built into Cloister; the
  // ARK is pinned: a supplied one must equal the built-in one.
  std::vector<Bytes> certs;
  // AMD KDS CRLs (DER or PEM), signed by the ARK. Optional.
  std::vector<Bytes> crls;
  // The verification time: every certificate and CRL must be valid then.
  TimePoint at;
};

// Verifies a report: structure, certificate chain to the pinned ARK, CRLs,
// VCEK/VLEK extensions against REPORTED_TCB and CHIP_ID, and the signature.
// Every failed check is reported; claims are filled as far as parsing got.
Verification verify(std::span<const uint8_t> report_bytes, const VerifyInputs& inputs);

// Verifies many reports while verifying each distinct certificate chain (and
// CRL set) only once: the parsed, checked chain is cached under the SHA-256 of
// its inputs, so a cached verification costs one P-384 ECDSA verify plus
// parsing. Validity windows are re-evaluated at each call's `at`. Thread-safe.
class Verifier {
 public:
  explicit Verifier(size_t max_cached_chains = 1024);
  ~Verifier();
  Verifier(const Verifier&) = delete;
  Verifier& operator=(const Verifier&) = delete;

  Verification verify(std::span<const uint8_t> report_bytes, const VerifyInputs& inputs);
  size_t cached_chains() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cloister::attest::snp
