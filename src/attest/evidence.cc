// SPDX-License-Identifier: Apache-2.0
#include "attest/evidence.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cstring>

#include "attest/kvm_evidence.h"
#include "attest/snp.h"
#include "attest/snp_cert.h"
#include "attest/x509.h"
#include "base/byte_reader.h"
#include "base/hex.h"

namespace cloister::attest {

namespace {

struct FormatName {
  EvidenceFormat format;
  std::string_view name;
};
constexpr FormatName kFormats[] = {
    {EvidenceFormat::SnpReport, "snp-attestation-report"},
    {EvidenceFormat::AzureHclReport, "azure-hcl-report"},
    {EvidenceFormat::DcapQuoteV3, "intel-dcap-quote-v3"},
    {EvidenceFormat::DcapQuoteV4, "intel-dcap-quote-v4"},
    {EvidenceFormat::DcapQuoteV5, "intel-dcap-quote-v5"},
    {EvidenceFormat::Kvm, "kvm-evidence"},
};

// Azure HCL report layout after the SNP report (see the test data README and
// Microsoft's HCL definitions): at 0x4C0 five u32 fields, the last (0x4D0)
// the size of the runtime-data JSON that starts at 0x4D4.
constexpr size_t kHclRuntimeSizeOffset = 0x4D0;

bool is_dcap_format(EvidenceFormat f) {
  return f == EvidenceFormat::DcapQuoteV3 || f == EvidenceFormat::DcapQuoteV4 ||
         f == EvidenceFormat::DcapQuoteV5;
}

// Checks that `bytes` are what `format` says, with the reason when not.
Result<void> check_format(std::span<const uint8_t> bytes, EvidenceFormat format) {
  CLOISTER_TRY_ASSIGN(EvidenceFormat detected, detect_evidence_format(bytes));
  if (detected != format)
    return fail("the input is ", to_string(detected), ", not ", to_string(format));
  return ok();
}

// Azure: the runtime data (JSON with the vTPM key) is bound by
// REPORT_DATA[0:32] = SHA-256(runtime data). Records whether it is.
void check_hcl_binding(std::span<const uint8_t> hcl, Claims& claims,
                       std::vector<std::string>& notes) {
  ByteReader r(hcl);
  uint32_t size = 0;
  std::span<const uint8_t> runtime;
  if (!r.skip(kHclRuntimeSizeOffset) || !r.read_u32le(&size) || !r.read_bytes(size, &runtime)) {
    notes.push_back("azure-hcl-report: runtime data missing or truncated; binding not checked");
    claims.details["hcl_runtime_data_bound"] = nullptr;
    return;
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(runtime.data(), runtime.size(), md, &len, EVP_sha256(), nullptr);
  const bool bound =
      claims.report_data.size() >= 32 && std::memcmp(claims.report_data.data(), md, 32) == 0;
  claims.details["hcl_runtime_data_size"] = size;
  claims.details["hcl_runtime_data_sha256"] = to_hex(std::span<const uint8_t>(md, len));
  claims.details["hcl_runtime_data_bound"] = bound;
  notes.push_back(std::string("azure-hcl-report: SNP report taken from offset 0x20; runtime data "
                              "(") +
                  std::to_string(size) + " bytes) " +
                  (bound ? "is bound by REPORT_DATA[0:32]"
                         : "is NOT bound by REPORT_DATA[0:32] (do not trust it)"));
}

// Whether `f` is the failure a waived check produces. Intel's verifier starts
// each message with the check's name ("pck_crl: ...", "root_ca_crl: ...").
bool waived(const Failure& f, const std::vector<std::string>& skip_checks) {
  for (const auto& s : skip_checks) {
    if (s == "pck_crl" && f.kind == FailureKind::CollateralMissing &&
        f.message.starts_with("pck_crl:"))
      return true;
    if (s == "root_ca_crl_validity" &&
        (f.kind == FailureKind::Expired || f.kind == FailureKind::NotYetValid) &&
        f.message.starts_with("root_ca_crl:"))
      return true;
  }
  return false;
}

void apply_skip_checks(Verification& v, const std::vector<std::string>& skip_checks) {
  if (skip_checks.empty()) return;
  std::vector<Failure> kept;
  for (auto& f : v.failures) {
    if (waived(f, skip_checks))
      v.notes.push_back("waived by request (skip check): [" + std::string(to_string(f.kind)) +
                        "] " + f.message);
    else
      kept.push_back(std::move(f));
  }
  v.failures = std::move(kept);
}

Result<std::vector<Bytes>> load_host_keys(const std::vector<Bytes>& inputs) {
  std::vector<Bytes> keys;
  for (size_t i = 0; i < inputs.size(); ++i) {
    auto k = kvm::load_host_public_key(inputs[i]);
    if (!k) return Unexpected(k.error().with_context("trusted host key #" + std::to_string(i + 1)));
    keys.push_back(std::move(*k));
  }
  return keys;
}

}  // namespace

std::string_view to_string(EvidenceFormat f) {
  for (const auto& n : kFormats)
    if (n.format == f) return n.name;
  return "unknown";
}

Result<EvidenceFormat> parse_evidence_format(std::string_view name) {
  for (const auto& n : kFormats)
    if (n.name == name) return n.format;
  return fail("unknown evidence format '", name, "' (expected one of: ", evidence_format_names(),
              ")");
}

std::string evidence_format_names() {
  std::string s;
  for (const auto& n : kFormats) s += (s.empty() ? "" : ", ") + std::string(n.name);
  return s;
}

Result<EvidenceFormat> detect_evidence_format(std::span<const uint8_t> bytes) {
  if (bytes.empty()) return fail("the evidence is empty (0 bytes)");
  if (bytes.size() >= kvm::kMagic.size() &&
      std::memcmp(bytes.data(), kvm::kMagic.data(), kvm::kMagic.size()) == 0)
    return EvidenceFormat::Kvm;
  if (bytes.size() >= 4 && std::memcmp(bytes.data(), "HCLA", 4) == 0)
    return EvidenceFormat::AzureHclReport;

  ByteReader r(bytes);
  uint16_t version16 = 0, key_type = 0;
  uint32_t tee_type = 0;
  if (r.read_u16le(&version16) && r.read_u16le(&key_type) && r.read_u32le(&tee_type)) {
    // DCAP header: version 3/4/5, attestation key type 2 (ECDSA P-256) or 3
    // (P-384, which Intel never shipped), TEE type 0 (SGX) or 0x81 (TDX).
    if (version16 >= 3 && version16 <= 5 && (key_type == 2 || key_type == 3) &&
        (tee_type == dcap::kTeeTypeSgx || tee_type == dcap::kTeeTypeTdx)) {
      return version16 == 3   ? EvidenceFormat::DcapQuoteV3
             : version16 == 4 ? EvidenceFormat::DcapQuoteV4
                              : EvidenceFormat::DcapQuoteV5;
    }
  }
  ByteReader s(bytes);
  uint32_t version32 = 0;
  if (s.read_u32le(&version32) && version32 >= 2 && version32 <= 5) {
    // An SNP report: version 2..5 as a u32, and (when present) signature
    // algorithm 1 = ECDSA P-384 with SHA-384 at 0x34.
    ByteReader algo(bytes);
    uint32_t sig_algo = 0;
    if (!algo.skip(0x34) || !algo.read_u32le(&sig_algo) || sig_algo == 1)
      return EvidenceFormat::SnpReport;
  }
  std::string head = to_hex(bytes.first(std::min<size_t>(bytes.size(), 8)));
  return fail("unrecognised evidence format (", bytes.size(), " bytes starting with ", head,
              "): not an SEV-SNP report, an Azure HCL report, an Intel DCAP quote v3/v4/v5 or "
              "kvm evidence");
}

Result<ShownEvidence> show_evidence(std::span<const uint8_t> bytes,
                                    std::optional<EvidenceFormat> format,
                                    const std::vector<Bytes>& certs) {
  ShownEvidence out;
  if (format) {
    CLOISTER_TRY(check_format(bytes, *format));
    out.format = *format;
  } else {
    CLOISTER_TRY_ASSIGN(out.format, detect_evidence_format(bytes));
  }
  switch (out.format) {
    case EvidenceFormat::SnpReport:
    case EvidenceFormat::AzureHclReport: {
      std::span<const uint8_t> report = bytes;
      if (out.format == EvidenceFormat::AzureHclReport) {
        CLOISTER_TRY_ASSIGN(report, snp::report_from_azure_hcl(bytes));
      }
      auto parsed = snp::parse_report(report, &out.notes);
      if (!parsed) return Unexpected(parsed.error().with_context("SEV-SNP report"));
      // The VCEK/VLEK's productName names the product of reports without
      // CPUID fields (v2); it is only a label here, nothing is verified.
      std::string product_name;
      if (!certs.empty()) {
        // A hint only: a certificate that cannot be read leaves the product
        // unnamed, with a note, instead of failing the decode.
        auto loaded = x509::load_certs(certs.front());
        if (!loaded || loaded->empty()) {
          out.notes.push_back("certificate not used: " +
                              (loaded ? std::string("none found") : loaded.error().message()));
        } else if (auto info = snp::parse_endorsement_key_cert(loaded->front().get()); !info) {
          out.notes.push_back("certificate not used: not a VCEK/VLEK: " + info.error().message());
        } else {
          product_name = printable_ascii(info->product_name);
          if (product_name.empty())
            out.notes.push_back(
                "certificate not used: it has no productName extension (is it "
                "the VCEK/VLEK?)");
        }
      }
      out.claims = snp::claims_from_report(*parsed, snp::product_from_name(product_name));
      if (!product_name.empty()) {
        out.claims.cpu.product_name = product_name;
        out.notes.push_back("product name '" + product_name +
                            "' taken from the certificate given (not verified by `show`)");
      }
      if (out.format == EvidenceFormat::AzureHclReport)
        check_hcl_binding(bytes, out.claims, out.notes);
      return out;
    }
    case EvidenceFormat::DcapQuoteV3:
    case EvidenceFormat::DcapQuoteV4:
    case EvidenceFormat::DcapQuoteV5: {
      auto parsed = dcap::parse_quote(bytes, &out.notes);
      if (!parsed) return Unexpected(parsed.error().with_context("Intel DCAP quote"));
      out.claims = dcap::claims_from_quote(*parsed, bytes);
      return out;
    }
    case EvidenceFormat::Kvm: {
      CLOISTER_TRY_ASSIGN(kvm::Evidence ev, kvm::parse(bytes));
      out.claims = kvm::claims_from(ev);
      if (ev.trailing_bytes != 0)
        out.notes.push_back("kvm evidence: " + std::to_string(ev.trailing_bytes) +
                            " trailing bytes after the signature ignored");
      return out;
    }
  }
  return fail("unsupported evidence format");
}

Verification verify_evidence(std::span<const uint8_t> bytes, std::optional<EvidenceFormat> format,
                             const VerifyOptions& options) {
  Verification v;
  for (const auto& s : options.skip_checks) {
    if (std::find(std::begin(kSkippableChecks), std::end(kSkippableChecks), s) ==
        std::end(kSkippableChecks)) {
      v.failures.push_back(
          {FailureKind::Unsupported,
           "unknown check '" + s + "' to skip (only pck_crl, root_ca_crl_validity)"});
      return v;
    }
  }
  EvidenceFormat f;
  if (format) {
    if (auto r = check_format(bytes, *format); !r) {
      v.failures.push_back({FailureKind::Malformed, r.error().message()});
      return v;
    }
    f = *format;
  } else {
    auto detected = detect_evidence_format(bytes);
    if (!detected) {
      v.failures.push_back({FailureKind::Malformed, detected.error().message()});
      return v;
    }
    f = *detected;
  }

  if (f == EvidenceFormat::SnpReport || f == EvidenceFormat::AzureHclReport) {
    std::span<const uint8_t> report = bytes;
    if (f == EvidenceFormat::AzureHclReport) {
      auto r = snp::report_from_azure_hcl(bytes);
      if (!r) {
        v.failures.push_back({FailureKind::Malformed, r.error().message()});
        return v;
      }
      report = *r;
    }
    v = snp::verify(report, snp::VerifyInputs{options.certs, options.crls, options.at});
    if (f == EvidenceFormat::AzureHclReport) check_hcl_binding(bytes, v.claims, v.notes);
    return v;
  }
  if (is_dcap_format(f)) {
    if (!options.certs.empty())
      v.notes.push_back("--cert ignored: an Intel quote carries its PCK chain");
    Verification d = dcap::verify(bytes, dcap::VerifyInputs{options.collateral, options.at});
    d.notes.insert(d.notes.begin(), v.notes.begin(), v.notes.end());
    apply_skip_checks(d, options.skip_checks);
    return d;
  }
  // kvm: trusted host keys from the dedicated option and from --cert.
  std::vector<Bytes> inputs = options.kvm_trusted_host_keys;
  inputs.insert(inputs.end(), options.certs.begin(), options.certs.end());
  auto keys = load_host_keys(inputs);
  if (!keys) {
    v.failures.push_back({FailureKind::Malformed, keys.error().message()});
    if (auto parsed = kvm::parse(bytes)) v.claims = kvm::claims_from(*parsed);
    return v;
  }
  return kvm::verify(bytes, kvm::VerifyInputs{std::move(*keys), options.at});
}

}  // namespace cloister::attest
