// SPDX-License-Identifier: Apache-2.0
//
// Deployment policy: which verified keeps a deployer accepts. A policy is a
// TOML file (every key is documented with examples in docs/policy.md); it is
// evaluated against the Claims of evidence that has already been verified.
// Evaluation checks every rule and reports every violation, each naming the
// rule (its TOML key) and the values that broke it.
//
// Defaults are strict where safety is at stake: debug keeps and
// non-confidential keeps (kvm, nil) are rejected unless the policy says
// otherwise; every other rule applies only when the policy sets it.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "attest/claims.h"
#include "base/result.h"

namespace cloister::attest {

// A "major.minor[.build]" version, compared component by component.
struct VersionTriple {
  uint32_t major = 0, minor = 0;
  std::optional<uint32_t> build;
};

struct Policy {
  // [platforms]
  std::optional<std::set<Platform>> allowed_platforms;  // allow = [...]
  bool allow_non_confidential = false;                  // kvm and nil
  bool allow_debug = false;

  // [cpu]
  std::vector<std::string> deny_products;  // "Milan", "Milan-B0" (case-insensitive)
  std::vector<Bytes> deny_fmspcs;          // 6 bytes each

  // [tcb]
  std::map<std::string, uint64_t> min_tcb;              // [tcb.minimum]: component -> minimum SVN
  std::optional<std::set<std::string>> intel_statuses;  // accepted Intel TCB statuses
  std::set<std::string> deny_advisories;                // advisory IDs, upper case

  // [measurements]: allow-list per measurement name (see Claims::measurements).
  std::map<std::string, std::vector<Bytes>> allowed_measurements;
  // [signers] allow: SGX MRSIGNER or SNP AUTHOR_KEY_DIGEST.
  std::vector<Bytes> allowed_signers;

  // [snp]
  std::optional<uint32_t> snp_max_vmpl;
  std::optional<uint32_t> snp_vmpl;  // exact
  bool snp_require_no_migration_agent = false;
  bool snp_require_no_debug = false;
  std::optional<bool> snp_allow_smt;
  std::optional<VersionTriple> snp_min_firmware;  // CURRENT_MAJOR.MINOR[.BUILD]
  std::optional<VersionTriple> snp_min_abi;       // the guest policy's ABI_MAJOR.ABI_MINOR

  // [freshness]
  std::optional<std::chrono::seconds> max_evidence_age;
};

// Parses a policy. `source_name` (usually the file path) prefixes every error
// as "name:line:column: message"; all problems found are reported, one per
// line. Unknown keys, wrong types and bad values are errors.
Result<Policy> parse_policy(std::string_view toml_text, std::string_view source_name);
Result<Policy> load_policy(const std::string& path);

struct Violation {
  std::string rule;     // the TOML key, e.g. "cpu.deny_products"
  std::string message;  // the values that broke it
};

struct PolicyDecision {
  bool accepted() const { return violations.empty(); }
  std::vector<Violation> violations;
  std::vector<std::string> notes;  // rules that could not apply, e.g. no evidence time
};

struct EvaluationContext {
  TimePoint now;  // for the evidence age
  // When the caller issued the nonce the evidence answers (the steward knows);
  // used for the age when the evidence itself carries no time.
  std::optional<TimePoint> nonce_issued;
};

// Every rule is checked; all violations are returned.
PolicyDecision evaluate(const Policy& policy, const Claims& claims, const EvaluationContext& ctx);
// Same, with `now` = the system clock and no nonce.
PolicyDecision evaluate(const Policy& policy, const Claims& claims);

// The policy as JSON (for --json output and debugging).
nlohmann::json policy_decision_to_json(const PolicyDecision& d);

}  // namespace cloister::attest
