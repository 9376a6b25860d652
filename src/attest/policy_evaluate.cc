// SPDX-License-Identifier: Apache-2.0
//
// Policy evaluation: every rule is checked against the claims and every
// violation is collected, each naming the rule (its TOML key) and the values
// involved, so a deployer sees the whole picture at once.
#include <algorithm>
#include <cctype>
#include <cstdio>

#include "attest/policy.h"
#include "base/hex.h"
#include "base/time.h"

namespace cloister::attest {

namespace {

// SNP guest policy bits (SEV-SNP ABI, table "Guest Policy Structure").
constexpr uint64_t kPolicySmt = uint64_t{1} << 16;
constexpr uint64_t kPolicyMigrateMa = uint64_t{1} << 18;
constexpr uint64_t kPolicyDebug = uint64_t{1} << 19;

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string version_text(uint32_t major, uint32_t minor, std::optional<uint32_t> build) {
  std::string s = std::to_string(major) + "." + std::to_string(minor);
  if (build) s += "." + std::to_string(*build);
  return s;
}

std::string hex_u64(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%016llx", static_cast<unsigned long long>(v));
  return buf;
}

std::string join_hex(const std::vector<Bytes>& list) {
  std::string s;
  for (const auto& b : list) s += (s.empty() ? "" : ", ") + to_hex(b);
  return s;
}

class Evaluator {
 public:
  Evaluator(const Policy& p, const Claims& c, const EvaluationContext& ctx)
      : p_(p), c_(c), ctx_(ctx) {}

  PolicyDecision run() {
    platforms();
    cpu();
    tcb();
    measurements();
    signers();
    if (c_.platform == Platform::SevSnp) snp();
    freshness();
    return std::move(d_);
  }

 private:
  void violate(std::string rule, std::string message) {
    d_.violations.push_back({std::move(rule), std::move(message)});
  }
  void note(std::string n) { d_.notes.push_back(std::move(n)); }
  bool is_intel() const { return c_.platform == Platform::Sgx || c_.platform == Platform::Tdx; }

  void platforms() {
    const std::string platform(to_string(c_.platform));
    if (p_.allowed_platforms && !p_.allowed_platforms->contains(c_.platform)) {
      std::string allowed;
      for (Platform a : *p_.allowed_platforms)
        allowed += (allowed.empty() ? "" : ", ") + std::string(to_string(a));
      violate("platforms.allow",
              "platform '" + platform + "' is not in the allowed platforms [" + allowed + "]");
    }
    if (!c_.confidential && !p_.allow_non_confidential)
      violate("platforms.allow_non_confidential",
              "the keep is not confidential (platform '" + platform +
                  "': the host can read and modify its memory) and the policy does not set "
                  "allow_non_confidential = true");
    if (c_.debug && !p_.allow_debug)
      violate("platforms.allow_debug",
              "the keep runs in debug mode (its memory can be read by the host) and the policy "
              "does not set allow_debug = true");
  }

  void cpu() {
    for (const auto& denied : p_.deny_products) {
      // A bare generation ("Milan") matches the product and every product
      // name of that generation ("Milan-B0"); a full name matches only itself.
      const bool product_hit = !c_.cpu.product.empty() && iequals(denied, c_.cpu.product);
      const bool name_hit = !c_.cpu.product_name.empty() && iequals(denied, c_.cpu.product_name);
      if (product_hit || name_hit) {
        violate("cpu.deny_products", "CPU product '" + c_.cpu.product + "'" +
                                         (c_.cpu.product_name.empty()
                                              ? std::string()
                                              : " (product name '" + c_.cpu.product_name + "')") +
                                         " is denied by '" + denied + "'");
      }
    }
    if (!p_.deny_fmspcs.empty() && is_intel()) {
      if (c_.cpu.fmspc.empty()) {
        violate("cpu.deny_fmspcs",
                "the evidence carries no FMSPC, so the deny-list cannot be "
                "checked");
      } else if (std::find(p_.deny_fmspcs.begin(), p_.deny_fmspcs.end(), c_.cpu.fmspc) !=
                 p_.deny_fmspcs.end()) {
        violate("cpu.deny_fmspcs", "FMSPC " + to_hex(c_.cpu.fmspc) + " is denied");
      }
    }
  }

  void tcb() {
    for (const auto& [component, minimum] : p_.min_tcb) {
      auto it = c_.tcb.find(component);
      if (it == c_.tcb.end()) continue;  // another platform's component, or fmc before Turin
      if (it->second < minimum)
        violate("tcb.minimum." + component, "TCB component '" + component + "' is " +
                                                std::to_string(it->second) +
                                                ", below the minimum " + std::to_string(minimum));
    }
    if (p_.intel_statuses && is_intel()) {
      if (c_.tcb_status.empty()) {
        violate("tcb.intel_statuses",
                "the verification produced no TCB status (was the collateral supplied?)");
      } else if (!p_.intel_statuses->contains(c_.tcb_status)) {
        std::string accepted;
        for (const auto& s : *p_.intel_statuses) accepted += (accepted.empty() ? "" : ", ") + s;
        violate("tcb.intel_statuses", "TCB status '" + c_.tcb_status +
                                          "' is not one of the accepted statuses [" + accepted +
                                          "]");
      }
    }
    for (const auto& advisory : c_.advisories) {
      std::string upper(advisory);
      for (auto& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      if (p_.deny_advisories.contains(upper))
        violate("tcb.deny_advisories", "the platform is affected by denied advisory " + advisory);
    }
  }

  void measurements() {
    if (p_.allowed_measurements.empty()) return;
    bool any_listed_present = false;
    for (const auto& [name, allowed] : p_.allowed_measurements) {
      auto it = c_.measurements.find(name);
      if (it == c_.measurements.end()) continue;
      any_listed_present = true;
      if (std::find(allowed.begin(), allowed.end(), it->second) == allowed.end())
        violate("measurements." + name, name + " " + to_hex(it->second) +
                                            " is not in the allow-list [" + join_hex(allowed) +
                                            "]");
    }
    // Otherwise evidence from a platform the allow-lists do not cover (e.g.
    // an SGX enclave under a policy listing only SNP measurements) would pass.
    if (!any_listed_present) {
      std::string listed, present;
      for (const auto& [name, _] : p_.allowed_measurements)
        listed += (listed.empty() ? "" : ", ") + name;
      for (const auto& [name, _] : c_.measurements) present += (present.empty() ? "" : ", ") + name;
      violate("measurements", "the policy allow-lists [" + listed +
                                  "] but the evidence has none of them (it has [" + present + "])");
    }
  }

  void signers() {
    if (p_.allowed_signers.empty()) return;
    Bytes signer;
    std::string what;
    if (c_.platform == Platform::Sgx) {
      auto it = c_.measurements.find("mrsigner");
      if (it != c_.measurements.end()) signer = it->second, what = "MRSIGNER";
    } else if (c_.platform == Platform::SevSnp) {
      const auto& d = c_.details;
      if (d.contains("author_key_digest") && d["author_key_digest"].is_string()) {
        if (auto b = from_hex(d["author_key_digest"].get<std::string>())) signer = *b;
        what = "AUTHOR_KEY_DIGEST";
      }
    } else {
      note("signers.allow not applied: platform '" + std::string(to_string(c_.platform)) +
           "' evidence names no signer");
      return;
    }
    if (signer.empty()) {
      violate("signers.allow", "the evidence carries no signer to check");
    } else if (std::find(p_.allowed_signers.begin(), p_.allowed_signers.end(), signer) ==
               p_.allowed_signers.end()) {
      violate("signers.allow", what + " " + to_hex(signer) + " is not in the allow-list [" +
                                   join_hex(p_.allowed_signers) + "]");
    }
  }

  void snp() {
    if (p_.snp_max_vmpl || p_.snp_vmpl) {
      if (!c_.vmpl) {
        violate(p_.snp_vmpl ? "snp.vmpl" : "snp.max_vmpl", "the report carries no VMPL");
      } else {
        if (p_.snp_max_vmpl && *c_.vmpl > *p_.snp_max_vmpl)
          violate("snp.max_vmpl", "VMPL " + std::to_string(*c_.vmpl) + " is above the maximum " +
                                      std::to_string(*p_.snp_max_vmpl));
        if (p_.snp_vmpl && *c_.vmpl != *p_.snp_vmpl)
          violate("snp.vmpl", "VMPL " + std::to_string(*c_.vmpl) + " is not the required " +
                                  std::to_string(*p_.snp_vmpl));
      }
    }
    const bool needs_policy = p_.snp_require_no_migration_agent || p_.snp_require_no_debug ||
                              p_.snp_allow_smt.has_value() || p_.snp_min_abi.has_value();
    if (needs_policy && !c_.guest_policy) {
      violate("snp",
              "the report carries no guest policy, so the [snp] policy-bit rules cannot be "
              "checked");
    } else if (needs_policy) {
      const uint64_t gp = *c_.guest_policy;
      if (p_.snp_require_no_migration_agent && (gp & kPolicyMigrateMa))
        violate("snp.require_no_migration_agent",
                "guest policy " + hex_u64(gp) + " allows a migration agent (MIGRATE_MA, bit 18)");
      if (p_.snp_require_no_debug && (gp & kPolicyDebug))
        violate("snp.require_no_debug",
                "guest policy " + hex_u64(gp) + " allows debugging (DEBUG, bit 19)");
      if (p_.snp_allow_smt == false && (gp & kPolicySmt))
        violate("snp.allow_smt", "guest policy " + hex_u64(gp) +
                                     " allows SMT (bit 16) and the policy sets allow_smt = false");
      if (p_.snp_min_abi) {
        const uint32_t major = static_cast<uint32_t>((gp >> 8) & 0xff);
        const uint32_t minor = static_cast<uint32_t>(gp & 0xff);
        if (std::pair(major, minor) < std::pair(p_.snp_min_abi->major, p_.snp_min_abi->minor))
          violate("snp.min_abi",
                  "guest policy ABI " + version_text(major, minor, std::nullopt) +
                      " is below the minimum " +
                      version_text(p_.snp_min_abi->major, p_.snp_min_abi->minor, std::nullopt));
      }
    }
    if (p_.snp_min_firmware) {
      const auto& m = *p_.snp_min_firmware;
      if (!c_.firmware_major || !c_.firmware_minor) {
        violate("snp.min_firmware", "the report carries no firmware version");
      } else {
        const uint32_t build = c_.firmware_build.value_or(0);
        const bool below = m.build ? std::tuple(*c_.firmware_major, *c_.firmware_minor, build) <
                                         std::tuple(m.major, m.minor, *m.build)
                                   : std::pair(*c_.firmware_major, *c_.firmware_minor) <
                                         std::pair(m.major, m.minor);
        if (below)
          violate("snp.min_firmware",
                  "firmware " +
                      version_text(*c_.firmware_major, *c_.firmware_minor, c_.firmware_build) +
                      " is below the minimum " + version_text(m.major, m.minor, m.build));
      }
    }
  }

  void freshness() {
    if (!p_.max_evidence_age) return;
    std::optional<TimePoint> produced = c_.evidence_time;
    std::string source = "evidence timestamp";
    if (!produced && ctx_.nonce_issued) produced = ctx_.nonce_issued, source = "nonce issued";
    if (!produced) {
      note(
          "freshness.max_age_seconds not applied: the evidence carries no time and no nonce "
          "time was given");
      return;
    }
    const auto age = std::chrono::duration_cast<std::chrono::seconds>(ctx_.now - *produced);
    if (age > *p_.max_evidence_age)
      violate("freshness.max_age_seconds",
              "evidence is " + std::to_string(age.count()) + " s old (" + source + " " +
                  format_rfc3339(*produced) + ", now " + format_rfc3339(ctx_.now) +
                  "), more than the maximum " + std::to_string(p_.max_evidence_age->count()) +
                  " s");
  }

  const Policy& p_;
  const Claims& c_;
  const EvaluationContext& ctx_;
  PolicyDecision d_;
};

}  // namespace

PolicyDecision evaluate(const Policy& policy, const Claims& claims, const EvaluationContext& ctx) {
  return Evaluator(policy, claims, ctx).run();
}

PolicyDecision evaluate(const Policy& policy, const Claims& claims) {
  return evaluate(policy, claims, EvaluationContext{std::chrono::system_clock::now(), {}});
}

nlohmann::json policy_decision_to_json(const PolicyDecision& d) {
  nlohmann::json v = nlohmann::json::array();
  for (const auto& x : d.violations) v.push_back({{"rule", x.rule}, {"message", x.message}});
  return {{"accepted", d.accepted()}, {"violations", v}, {"notes", d.notes}};
}

}  // namespace cloister::attest
