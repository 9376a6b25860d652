// SPDX-License-Identifier: Apache-2.0
//
// Intel DCAP ECDSA quotes: SGX quote v3, TDX quote v4 and v5 (TDX 1.0 and 1.5
// bodies), decoded and verified the way Intel's Quote Verification Library
// does it. Layouts follow Intel's sgx_quote_3.h / sgx_quote_4.h /
// sgx_quote_5.h and sgx_report.h; what is checked, in which order, is in
// docs/attestation-intel.md.
//
// Typical use:
//   auto collateral = dcap::load_collateral_dir(dir);
//   Verification v = dcap::verify(quote_bytes, {.collateral = *collateral, .at = now});
// or, for many quotes against the same collateral (a server), one
// dcap::DcapVerifier that caches the verified collateral and PCK chains.
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

namespace cloister::attest::dcap {

inline constexpr uint16_t kAttestationKeyEcdsaP256 = 2;
inline constexpr uint32_t kTeeTypeSgx = 0x00000000;
inline constexpr uint32_t kTeeTypeTdx = 0x00000081;
inline constexpr uint16_t kCertDataPckChain = 5;  // PEM PCK leaf + CA + root
inline constexpr uint16_t kCertDataQeReport = 6;  // QE report certification data
inline constexpr size_t kHeaderSize = 48;
inline constexpr size_t kSgxReportBodySize = 384;
inline constexpr size_t kTdx10BodySize = 584;
inline constexpr size_t kTdx15BodySize = 648;

// SHA-256 of the Intel SGX Root CA's SubjectPublicKeyInfo: the trust anchor.
inline constexpr char kIntelRootSpkiSha256[] =
    "a0af031289f5d5d4132f9186068a7fc13628633ba235777472e29b6b6c67a49e";
// The current issuance of the Intel SGX Root CA (PEM), embedded in the binary.
extern const char kIntelSgxRootCaPem[];

struct QuoteHeader {
  uint16_t version = 0;
  uint16_t att_key_type = 0;
  uint32_t tee_type = 0;  // v3: reserved (0); v4/v5: 0 = SGX, 0x81 = TDX
  uint16_t qe_svn = 0;    // v3 only (sgx_quote_3.h); reserved in v4/v5
  uint16_t pce_svn = 0;   // v3 only
  std::array<uint8_t, 16> qe_vendor_id{};
  std::array<uint8_t, 20> user_data{};
};

// sgx_report_body_t (384 bytes): the SGX enclave's report, and the QE report.
struct SgxReportBody {
  std::array<uint8_t, 16> cpu_svn{};
  uint32_t misc_select = 0;
  std::array<uint8_t, 16> isv_ext_prod_id{};
  std::array<uint8_t, 16> attributes{};
  std::array<uint8_t, 32> mr_enclave{};
  std::array<uint8_t, 32> mr_signer{};
  std::array<uint8_t, 64> config_id{};
  uint16_t isv_prod_id = 0;
  uint16_t isv_svn = 0;
  uint16_t config_svn = 0;
  std::array<uint8_t, 16> isv_family_id{};
  std::array<uint8_t, 64> report_data{};
};

// sgx_report2_body_t (TDX 1.0, 584 bytes) and its TDX 1.5 extension (648 bytes).
struct TdxReportBody {
  std::array<uint8_t, 16> tee_tcb_svn{};
  std::array<uint8_t, 48> mr_seam{};
  std::array<uint8_t, 48> mr_signer_seam{};
  std::array<uint8_t, 8> seam_attributes{};
  std::array<uint8_t, 8> td_attributes{};
  std::array<uint8_t, 8> xfam{};
  std::array<uint8_t, 48> mr_td{};
  std::array<uint8_t, 48> mr_config_id{};
  std::array<uint8_t, 48> mr_owner{};
  std::array<uint8_t, 48> mr_owner_config{};
  std::array<std::array<uint8_t, 48>, 4> rtmr{};
  std::array<uint8_t, 64> report_data{};
  bool tdx15 = false;  // the two fields below are present
  std::array<uint8_t, 16> tee_tcb_svn2{};
  std::array<uint8_t, 48> mr_servicetd{};
};

struct Quote {
  QuoteHeader header;
  // 1 = SGX, 2 = TDX 1.0, 3 = TDX 1.5. Read from the quote for v5, implied by
  // the version and TEE type for v3/v4.
  uint16_t body_type = 0;
  uint32_t body_size = 0;
  std::optional<SgxReportBody> sgx;  // exactly one of sgx / tdx is set
  std::optional<TdxReportBody> tdx;

  Bytes signed_data;                    // header (+ v5 type/size) + body: what the signature covers
  std::array<uint8_t, 64> signature{};  // ECDSA P-256 r||s by the attestation key
  std::array<uint8_t, 64> attestation_key{};  // P-256 public key x||y

  // From the QE report certification data (type 6 in v4/v5, inline in v3).
  Bytes qe_report_raw;  // the 384 signed bytes
  SgxReportBody qe_report;
  std::array<uint8_t, 64> qe_report_signature{};  // by the PCK key, over qe_report_raw
  Bytes qe_auth_data;

  // The innermost certification data: type 5 (PEM PCK chain) for verifiable quotes.
  uint16_t cert_data_type = 0;
  Bytes cert_data;

  size_t quote_size = 0;  // bytes used, from the length fields
  size_t input_size = 0;  // bytes given; the rest is trailing data, ignored
};

// Decodes a quote. Bytes after the quote (per its length fields) are ignored
// and reported in `notes` when given.
Result<Quote> parse_quote(std::span<const uint8_t> bytes, std::vector<std::string>* notes);

// Claims the quote itself states (no signature or collateral checks), for
// `attest show`. PCK-derived claims (fmspc, pck_tcb, ...) are filled when the
// embedded PCK certificate can be decoded.
Claims claims_from_quote(const Quote& quote, std::span<const uint8_t> input_bytes = {});

// Intel collateral as served by PCS, as raw file contents. Any may be absent.
struct Collateral {
  std::string tcb_info_json;     // {"tcbInfo":{...},"signature":"<hex r||s>"}
  std::string qe_identity_json;  // {"enclaveIdentity":{...},"signature":"..."}
  Bytes tcb_info_issuer_chain;   // PEM: TCB Signing cert + root
  Bytes qe_identity_issuer_chain;
  Bytes pck_crl;               // DER or PEM
  Bytes pck_crl_issuer_chain;  // PEM: Platform/Processor CA + root
  Bytes root_ca_crl;           // DER or PEM
};

// Reads tcb_info.json, qe_identity.json, tcb_info_issuer_chain.pem,
// qe_identity_issuer_chain.pem, pck_crl.der, pck_crl_issuer_chain.pem and
// root_ca_crl.der from `dir` (the layout of the shared test data and of
// `cloister attest verify --collateral DIR`). Missing files stay empty; fails
// only when the directory is unreadable or has none of them.
Result<Collateral> load_collateral_dir(const std::string& dir);

struct VerifyInputs {
  std::optional<Collateral> collateral;  // without it only the quote and PCK chain are checked
  TimePoint at;                          // verification time ("as of")
};

// Verifies a quote. Every failed check is reported (see verify.h); each
// failure message starts with the name of the check, e.g. "pck_crl: ...",
// "root_ca_crl: ...", "tcb_info: ...", so a caller can tell them apart.
Verification verify(std::span<const uint8_t> quote_bytes, const VerifyInputs& inputs);

// A verifier for many quotes against the same collateral. Collateral and its
// issuer chains are parsed and signature-checked once; PCK chains are cached
// by the SHA-256 of their certification data, so a quote from a known
// platform costs two P-256 verifications (QE report, quote) plus hashing.
// Time-dependent checks are repeated for every call. Thread-safe.
class DcapVerifier {
 public:
  explicit DcapVerifier(std::optional<Collateral> collateral)
      : DcapVerifier(std::move(collateral), kIntelSgxRootCaPem) {}
  // Trusts another root (one PEM certificate, pinned by its key) instead of the
  // Intel SGX Root CA: for tests with a private PKI, never for real evidence.
  DcapVerifier(std::optional<Collateral> collateral, std::string_view root_ca_pem);
  ~DcapVerifier();
  DcapVerifier(DcapVerifier&&) noexcept;
  DcapVerifier& operator=(DcapVerifier&&) noexcept;

  Verification verify(std::span<const uint8_t> quote_bytes, TimePoint at) const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace cloister::attest::dcap
