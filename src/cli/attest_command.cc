// SPDX-License-Identifier: Apache-2.0
//
// `cloister attest show|verify`. Exit codes (documented in docs/attestation.md):
//   0  evidence verified (and accepted by the policy, when one is given); for
//      `show`, decoded
//   1  verification failed (every failure on stderr)
//   2  verified, but the policy rejected it (every violated rule on stderr)
//   3  the evidence cannot be read or decoded (missing, empty, unrecognised,
//      truncated, not the --format given)
//   4  the policy file cannot be read or is invalid
//   5  another input is unusable: --at, --format, --cert, --crl,
//      --collateral, --host-key
// Command-line syntax errors are reported by CLI11 with its own non-zero codes.
#include <algorithm>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "attest/evidence.h"
#include "attest/policy.h"
#include "base/file.h"
#include "base/hex.h"
#include "base/time.h"
#include "cli/attest_render.h"
#include "cli/commands.h"

namespace cloister::cli {

namespace {

using attest::Verification;

constexpr int kExitOk = 0;
constexpr int kExitNotVerified = 1;
constexpr int kExitPolicyRejected = 2;
constexpr int kExitBadEvidence = 3;
constexpr int kExitBadPolicy = 4;
constexpr int kExitBadInput = 5;

// Evidence files are at most a few kilobytes; refuse anything absurd.
constexpr size_t kMaxEvidenceSize = size_t{16} << 20;

struct ShowOptions {
  std::string evidence;
  std::string format;
  std::vector<std::string> certs;
  bool json = false;
};

struct VerifyArgs {
  std::string evidence;
  std::string format;
  std::vector<std::string> certs;
  std::vector<std::string> crls;
  std::vector<std::string> host_keys;
  std::vector<std::string> skip_checks;
  std::string collateral;
  std::string policy;
  std::string at;
  bool json = false;
};

int input_error(int code, const std::string& message) {
  std::cerr << "cloister attest: error: " << message << '\n';
  return code;
}

// Reads the evidence file with a clear message for each way it can be bad.
Result<std::vector<uint8_t>> read_evidence(const std::string& path) {
  auto bytes = read_file(path, kMaxEvidenceSize);
  if (!bytes) return Unexpected(bytes.error().with_context("cannot read evidence '" + path + "'"));
  if (bytes->empty()) return fail("evidence '", path, "' is empty (0 bytes)");
  return bytes;
}

Result<std::optional<attest::EvidenceFormat>> format_option(const std::string& name) {
  if (name.empty()) return std::optional<attest::EvidenceFormat>();
  CLOISTER_TRY_ASSIGN(auto f, attest::parse_evidence_format(name));
  return std::optional<attest::EvidenceFormat>(f);
}

void print_notes(std::ostream& out, const std::vector<std::string>& notes) {
  if (notes.empty()) return;
  out << "\nNotes\n";
  for (const auto& n : notes) out << "  - " << n << '\n';
}

// Loads every --cert/--crl/--host-key file; the first unreadable one is an error.
Result<std::vector<attest::Bytes>> read_all(const std::vector<std::string>& paths,
                                            std::string_view what) {
  std::vector<attest::Bytes> out;
  for (const auto& p : paths) {
    auto b = read_file(p, size_t{1} << 20);
    if (!b) return Unexpected(b.error().with_context(std::string(what) + " '" + p + "'"));
    if (b->empty()) return fail(what, " '", p, "' is empty");
    out.push_back(std::move(*b));
  }
  return out;
}

int run_show(const ShowOptions& o) {
  auto format = format_option(o.format);
  if (!format) return input_error(kExitBadInput, format.error().message());
  auto bytes = read_evidence(o.evidence);
  if (!bytes) return input_error(kExitBadEvidence, bytes.error().message());
  auto certs = read_all(o.certs, "--cert");
  if (!certs) return input_error(kExitBadInput, certs.error().message());
  auto shown = attest::show_evidence(*bytes, *format, *certs);
  if (!shown)
    return input_error(kExitBadEvidence,
                       "cannot decode evidence '" + o.evidence + "': " + shown.error().message());
  if (o.json) {
    nlohmann::json j = {{"format", std::string(attest::to_string(shown->format))},
                        {"file_bytes", bytes->size()},
                        {"notes", shown->notes},
                        {"claims", attest::claims_to_json(shown->claims)}};
    std::cout << j.dump(2) << '\n';
    return kExitOk;
  }
  std::cout << "Evidence\n";
  std::cout << "  file:                  " << o.evidence << '\n';
  std::cout << "  format:                " << attest::to_string(shown->format)
            << (format->has_value() ? "" : " (detected)") << '\n';
  std::cout << "  size:                  " << bytes->size() << " bytes\n";
  std::cout << "  verified:              no (`show` only decodes; use `cloister attest verify`)\n";
  render_claims(std::cout, shown->claims);
  print_notes(std::cout, shown->notes);
  return kExitOk;
}

int run_verify(const VerifyArgs& a) {
  auto format = format_option(a.format);
  if (!format) return input_error(kExitBadInput, format.error().message());

  attest::VerifyOptions options;
  for (const auto& s : a.skip_checks) {
    if (std::find(std::begin(attest::kSkippableChecks), std::end(attest::kSkippableChecks), s) ==
        std::end(attest::kSkippableChecks))
      return input_error(kExitBadInput,
                         "--skip-check: unknown check '" + s + "' (pck_crl, root_ca_crl_validity)");
  }
  options.skip_checks = a.skip_checks;
  if (!a.at.empty()) {
    auto at = parse_rfc3339(a.at);
    if (!at) return input_error(kExitBadInput, "--at: " + at.error().message());
    options.at = *at;
  }

  auto bytes = read_evidence(a.evidence);
  if (!bytes) return input_error(kExitBadEvidence, bytes.error().message());
  // Decoding first separates "not evidence at all" (exit 3) from "evidence
  // that does not verify" (exit 1).
  auto shown = attest::show_evidence(*bytes, *format);
  if (!shown)
    return input_error(kExitBadEvidence,
                       "cannot decode evidence '" + a.evidence + "': " + shown.error().message());

  std::optional<attest::Policy> policy;
  if (!a.policy.empty()) {
    auto p = attest::load_policy(a.policy);
    if (!p) return input_error(kExitBadPolicy, "invalid policy:\n" + p.error().message());
    policy = std::move(*p);
  }

  auto certs = read_all(a.certs, "--cert");
  if (!certs) return input_error(kExitBadInput, certs.error().message());
  options.certs = std::move(*certs);
  auto crls = read_all(a.crls, "--crl");
  if (!crls) return input_error(kExitBadInput, crls.error().message());
  options.crls = std::move(*crls);
  auto keys = read_all(a.host_keys, "--host-key");
  if (!keys) return input_error(kExitBadInput, keys.error().message());
  options.kvm_trusted_host_keys = std::move(*keys);
  if (!a.collateral.empty()) {
    auto c = attest::dcap::load_collateral_dir(a.collateral);
    if (!c) return input_error(kExitBadInput, "--collateral: " + c.error().message());
    options.collateral = std::move(*c);
  }

  Verification v = attest::verify_evidence(*bytes, shown->format, options);
  std::optional<attest::PolicyDecision> decision;
  if (policy) {
    // The policy's clock is the verification time, so `--at` audits a past
    // decision exactly as it was made.
    decision = attest::evaluate(*policy, v.claims, attest::EvaluationContext{options.at, {}});
  }

  const int code = !v.verified()                       ? kExitNotVerified
                   : decision && !decision->accepted() ? kExitPolicyRejected
                                                       : kExitOk;

  for (const auto& f : v.failures)
    std::cerr << "verification failed: [" << attest::to_string(f.kind) << "] " << f.message << '\n';
  if (decision)
    for (const auto& x : decision->violations)
      std::cerr << "policy rejected: [" << x.rule << "] " << x.message << '\n';

  if (a.json) {
    nlohmann::json failures = nlohmann::json::array();
    for (const auto& f : v.failures)
      failures.push_back(
          {{"kind", std::string(attest::to_string(f.kind))}, {"message", f.message}});
    nlohmann::json j = {
        {"verified", v.verified()},
        {"format", std::string(attest::to_string(shown->format))},
        {"verified_at", format_rfc3339(options.at)},
        {"failures", failures},
        {"policy", decision ? attest::policy_decision_to_json(*decision) : nlohmann::json(nullptr)},
        {"notes", v.notes},
        {"claims", attest::claims_to_json(v.claims)},
    };
    std::cout << j.dump(2) << '\n';
    return code;
  }

  std::cout << "evidence:     " << a.evidence << " (" << attest::to_string(shown->format) << ")\n";
  std::cout << "verified at:  " << format_rfc3339(options.at) << '\n';
  std::cout << "verification: " << (v.verified() ? "passed" : "FAILED") << '\n';
  if (decision)
    std::cout << "policy:       " << (decision->accepted() ? "accepted" : "REJECTED") << " ("
              << a.policy << ")\n";
  else
    std::cout << "policy:       none given\n";
  std::cout << "platform:     " << attest::to_string(v.claims.platform)
            << (v.claims.confidential ? " (confidential)"
                                      : " (NOT confidential: the host can read and modify keep "
                                        "memory)")
            << '\n';
  if (!v.claims.tcb_status.empty()) std::cout << "tcb status:   " << v.claims.tcb_status << '\n';
  if (!v.claims.advisories.empty()) {
    std::cout << "advisories:  ";
    for (const auto& a : v.claims.advisories) std::cout << ' ' << a;
    std::cout << '\n';
  }
  for (const auto& [name, value] : v.claims.measurements)
    std::cout << "measurement:  " << name << " = " << to_hex(value) << '\n';
  if (decision) print_notes(std::cout, decision->notes);
  print_notes(std::cout, v.notes);
  return code;
}

}  // namespace

void register_attest_commands(CLI::App& app, int* exit_code) {
  CLI::App* attest = app.add_subcommand(
      "attest", "Decode and verify attestation evidence (SEV-SNP, Intel SGX/TDX, kvm)");
  attest->require_subcommand(1);
  const std::string formats = attest::evidence_format_names();

  auto show = std::make_shared<ShowOptions>();
  CLI::App* show_cmd = attest->add_subcommand(
      "show", "Decode evidence into a labelled, readable view (no verification)");
  show_cmd->add_option("EVIDENCE", show->evidence, "Evidence file")->required();
  show_cmd->add_option("--format", show->format, "Evidence format (default: detected): " + formats);
  show_cmd
      ->add_option("--cert", show->certs,
                   "SNP: the VCEK/VLEK, to name the product of a v2 report (not verified)")
      ->allow_extra_args(false);
  show_cmd->add_flag("--json", show->json, "Print the claims document as JSON");
  show_cmd->callback([show, exit_code] { *exit_code = run_show(*show); });

  auto verify = std::make_shared<VerifyArgs>();
  CLI::App* verify_cmd = attest->add_subcommand(
      "verify",
      "Verify evidence against the vendor roots (and a policy). Exit codes: 0 verified and "
      "accepted, 1 verification failed, 2 policy rejected, 3 unreadable evidence, 4 bad policy, "
      "5 other bad input");
  verify_cmd->add_option("EVIDENCE", verify->evidence, "Evidence file")->required();
  verify_cmd
      ->add_option("--cert", verify->certs,
                   "Certificate (DER or PEM), repeatable. SNP: VCEK/VLEK, then optionally "
                   "ASK/ASVK and ARK; kvm: a trusted host certificate")
      ->allow_extra_args(false);
  verify_cmd->add_option("--crl", verify->crls, "AMD KDS CRL (DER or PEM), repeatable")
      ->allow_extra_args(false);
  verify_cmd->add_option("--collateral", verify->collateral,
                         "Intel collateral directory (tcb_info.json, qe_identity.json, "
                         "their issuer chains, pck_crl.der, pck_crl_issuer_chain.pem, "
                         "root_ca_crl.der)");
  verify_cmd
      ->add_option("--host-key", verify->host_keys,
                   "kvm: a trusted host public key (PEM/DER), repeatable")
      ->allow_extra_args(false);
  verify_cmd
      ->add_option("--skip-check", verify->skip_checks,
                   "Intel: waive a check the collateral cannot support, repeatable: "
                   "pck_crl (no PCK CRL for the period), root_ca_crl_validity (root CA CRL "
                   "newer than the quote). Waived failures are printed as notes")
      ->allow_extra_args(false);
  verify_cmd->add_option("--policy", verify->policy, "Deployment policy (TOML, docs/policy.md)");
  verify_cmd->add_option("--at", verify->at,
                         "Verify as of this RFC 3339 time (default: now), e.g. "
                         "2025-07-19T10:01:17Z");
  verify_cmd->add_option("--format", verify->format,
                         "Evidence format (default: detected): " + formats);
  verify_cmd->add_flag("--json", verify->json,
                       "Print {verified, failures, policy, notes, claims} as JSON");
  verify_cmd->callback([verify, exit_code] { *exit_code = run_verify(*verify); });
}

}  // namespace cloister::cli
