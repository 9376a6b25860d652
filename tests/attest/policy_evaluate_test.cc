// SPDX-License-Identifier: Apache-2.0
//
// One test per policy rule: a claim that satisfies it is accepted, one that
// breaks it is rejected naming the rule and the values.
#include <gtest/gtest.h>

#include "attest/policy.h"
#include "base/time.h"
#include "policy_test_util.h"

namespace cloister::attest {
namespace {

using testing::describe;
using testing::has_rule;
using testing::hex_bytes;
using testing::kvm_claims;
using testing::message_of;
using testing::policy_from;
using testing::sgx_claims;
using testing::snp_claims;

TimePoint t(const char* s) {
  return *parse_rfc3339(s);
}
PolicyDecision eval(const Policy& p, const Claims& c) {
  return evaluate(p, c, EvaluationContext{t("2026-01-01T00:00:00Z"), {}});
}

TEST(PolicyEvaluate, EmptyPolicyAcceptsConfidentialNonDebug) {
  EXPECT_TRUE(eval(Policy{}, snp_claims()).accepted()) << describe(eval(Policy{}, snp_claims()));
  EXPECT_TRUE(eval(Policy{}, sgx_claims()).accepted());
}

TEST(PolicyEvaluate, PlatformsAllow) {
  Policy p = policy_from("[platforms]\nallow = [\"tdx\", \"sgx\"]\n");
  EXPECT_TRUE(eval(p, sgx_claims()).accepted());
  auto d = eval(p, snp_claims());
  ASSERT_TRUE(has_rule(d, "platforms.allow")) << describe(d);
  EXPECT_EQ(message_of(d, "platforms.allow"),
            "platform 'snp' is not in the allowed platforms [sgx, tdx]");
}

TEST(PolicyEvaluate, NonConfidentialNeedsExplicitPermission) {
  for (Platform pl : {Platform::Kvm, Platform::Nil}) {
    Claims c = kvm_claims();
    c.platform = pl;
    auto d = eval(Policy{}, c);
    EXPECT_TRUE(has_rule(d, "platforms.allow_non_confidential")) << describe(d);
    EXPECT_NE(message_of(d, "platforms.allow_non_confidential").find("not confidential"),
              std::string::npos);
    EXPECT_TRUE(eval(policy_from("[platforms]\nallow_non_confidential = true\n"), c).accepted());
  }
  // Listing kvm requires the explicit flag too, and then accepts kvm.
  Policy p = policy_from("[platforms]\nallow_non_confidential = true\nallow = [\"kvm\"]\n");
  EXPECT_TRUE(eval(p, kvm_claims()).accepted());
  EXPECT_TRUE(has_rule(eval(p, snp_claims()), "platforms.allow"));
}

TEST(PolicyEvaluate, DebugForbiddenUnlessAllowed) {
  Claims c = snp_claims();
  c.debug = true;
  auto d = eval(Policy{}, c);
  EXPECT_TRUE(has_rule(d, "platforms.allow_debug")) << describe(d);
  EXPECT_TRUE(eval(policy_from("[platforms]\nallow_debug = true\n"), c).accepted());
}

TEST(PolicyEvaluate, DenyProductsByGenerationAndName) {
  Claims milan = snp_claims();
  milan.cpu.product = "Milan";
  milan.cpu.product_name = "Milan-B0";
  auto d = eval(policy_from("[cpu]\ndeny_products = [\"milan\"]\n"), milan);
  ASSERT_TRUE(has_rule(d, "cpu.deny_products")) << describe(d);
  EXPECT_EQ(message_of(d, "cpu.deny_products"),
            "CPU product 'Milan' (product name 'Milan-B0') is denied by 'milan'");
  EXPECT_TRUE(has_rule(eval(policy_from("[cpu]\ndeny_products = [\"Milan-B0\"]\n"), milan),
                       "cpu.deny_products"));
  EXPECT_TRUE(eval(policy_from("[cpu]\ndeny_products = [\"Milan-B1\"]\n"), milan).accepted());
  EXPECT_TRUE(eval(policy_from("[cpu]\ndeny_products = [\"Milan\"]\n"), snp_claims()).accepted());
}

TEST(PolicyEvaluate, DenyFmspcs) {
  auto d = eval(policy_from("[cpu]\ndeny_fmspcs = [\"00906EA10000\"]\n"), sgx_claims());
  ASSERT_TRUE(has_rule(d, "cpu.deny_fmspcs")) << describe(d);
  EXPECT_EQ(message_of(d, "cpu.deny_fmspcs"), "FMSPC 00906ea10000 is denied");
  EXPECT_TRUE(
      eval(policy_from("[cpu]\ndeny_fmspcs = [\"00606a000000\"]\n"), sgx_claims()).accepted());
  Claims no_fmspc = sgx_claims();
  no_fmspc.cpu.fmspc.clear();
  EXPECT_TRUE(has_rule(eval(policy_from("[cpu]\ndeny_fmspcs = [\"00606a000000\"]\n"), no_fmspc),
                       "cpu.deny_fmspcs"));
}

TEST(PolicyEvaluate, MinimumTcbPerComponent) {
  Policy p = policy_from("[tcb.minimum]\nbootloader = 10\nsnp = 21\nmicrocode = 73\nfmc = 1\n");
  auto d = eval(p, snp_claims());
  EXPECT_EQ(message_of(d, "tcb.minimum.bootloader"),
            "TCB component 'bootloader' is 9, below the minimum 10");
  EXPECT_EQ(message_of(d, "tcb.minimum.microcode"),
            "TCB component 'microcode' is 72, below the minimum 73");
  EXPECT_FALSE(has_rule(d, "tcb.minimum.snp"));  // equal is enough
  EXPECT_FALSE(has_rule(d, "tcb.minimum.fmc"));  // no FMC before Turin
  EXPECT_EQ(d.violations.size(), 2u) << describe(d);
  Claims turin = snp_claims();
  turin.tcb["fmc"] = 0;
  EXPECT_TRUE(has_rule(eval(p, turin), "tcb.minimum.fmc"));
  // Intel components.
  auto i = eval(policy_from("[tcb.minimum]\npcesvn = 12\nsgx_comp_00 = 3\n"), sgx_claims());
  EXPECT_TRUE(has_rule(i, "tcb.minimum.pcesvn")) << describe(i);
  EXPECT_FALSE(has_rule(i, "tcb.minimum.sgx_comp_00"));
}

TEST(PolicyEvaluate, IntelTcbStatuses) {
  Policy p = policy_from("[tcb]\nintel_statuses = [\"UpToDate\"]\n");
  auto d = eval(p, sgx_claims());
  EXPECT_EQ(message_of(d, "tcb.intel_statuses"),
            "TCB status 'SWHardeningNeeded' is not one of the accepted statuses [UpToDate]");
  EXPECT_TRUE(eval(policy_from("[tcb]\nintel_statuses = [\"UpToDate\", \"SWHardeningNeeded\"]\n"),
                   sgx_claims())
                  .accepted());
  EXPECT_TRUE(eval(p, snp_claims()).accepted());  // AMD has no TCB status
  Claims none = sgx_claims();
  none.tcb_status.clear();
  EXPECT_TRUE(has_rule(eval(p, none), "tcb.intel_statuses"));
}

TEST(PolicyEvaluate, DenyAdvisories) {
  auto d = eval(policy_from("[tcb]\ndeny_advisories = [\"INTEL-SA-00615\", \"INTEL-SA-00828\"]\n"),
                sgx_claims());
  EXPECT_EQ(message_of(d, "tcb.deny_advisories"),
            "the platform is affected by denied advisory INTEL-SA-00615");
  EXPECT_TRUE(eval(policy_from("[tcb]\ndeny_advisories = [\"INTEL-SA-00828\"]\n"), sgx_claims())
                  .accepted());
}

TEST(PolicyEvaluate, MeasurementAllowLists) {
  const std::string good(96, 'a');  // snp_claims' measurement is 0xAA * 48
  EXPECT_TRUE(eval(policy_from("[measurements]\nmeasurement = [\"" + good + "\"]\n"), snp_claims())
                  .accepted());
  auto d = eval(policy_from("[measurements]\nmeasurement = [\"" + std::string(96, 'b') + "\"]\n"),
                snp_claims());
  ASSERT_TRUE(has_rule(d, "measurements.measurement")) << describe(d);
  EXPECT_NE(message_of(d, "measurements.measurement").find(good), std::string::npos);
  // SGX: one name listed that the evidence has.
  auto s = eval(policy_from("[measurements]\nmrenclave = [\"" + std::string(64, '1') + "\"]\n"),
                sgx_claims());
  EXPECT_TRUE(s.accepted()) << describe(s);
  // Evidence with none of the listed measurements is rejected, not waved through.
  auto other =
      eval(policy_from("[measurements]\nmeasurement = [\"" + good + "\"]\n"), sgx_claims());
  EXPECT_EQ(message_of(other, "measurements"),
            "the policy allow-lists [measurement] but the evidence has none of them (it has "
            "[mrenclave, mrsigner])");
}

TEST(PolicyEvaluate, SignersAllowList) {
  Policy sgx_ok = policy_from("[signers]\nallow = [\"" + std::string(64, '2') + "\"]\n");
  EXPECT_TRUE(eval(sgx_ok, sgx_claims()).accepted());
  Policy other = policy_from("[signers]\nallow = [\"" + std::string(64, '3') + "\"]\n");
  auto d = eval(other, sgx_claims());
  EXPECT_NE(message_of(d, "signers.allow").find("MRSIGNER " + std::string(64, '2')),
            std::string::npos)
      << describe(d);
  // SNP: AUTHOR_KEY_DIGEST (48 bytes).
  Claims snp = snp_claims();
  snp.details["author_key_digest"] = std::string(96, '4');
  EXPECT_TRUE(
      eval(policy_from("[signers]\nallow = [\"" + std::string(96, '4') + "\"]\n"), snp).accepted());
  EXPECT_TRUE(has_rule(eval(other, snp), "signers.allow"));
  // TDX names no signer: a note, no violation.
  Claims tdx = sgx_claims();
  tdx.platform = Platform::Tdx;
  auto n = eval(other, tdx);
  EXPECT_FALSE(has_rule(n, "signers.allow"));
  EXPECT_EQ(n.notes.size(), 1u);
}

TEST(PolicyEvaluate, SnpVmpl) {
  Claims c = snp_claims();
  c.vmpl = 2;
  auto d = eval(policy_from("[snp]\nmax_vmpl = 1\nvmpl = 0\n"), c);
  EXPECT_EQ(message_of(d, "snp.max_vmpl"), "VMPL 2 is above the maximum 1");
  EXPECT_EQ(message_of(d, "snp.vmpl"), "VMPL 2 is not the required 0");
  EXPECT_TRUE(eval(policy_from("[snp]\nmax_vmpl = 2\n"), c).accepted());
  // [snp] rules do not apply to other platforms.
  EXPECT_TRUE(eval(policy_from("[snp]\nvmpl = 0\n"), sgx_claims()).accepted());
}

TEST(PolicyEvaluate, SnpPolicyBits) {
  Claims c = snp_claims();
  c.guest_policy = 0x00000000000f0000;  // SMT, reserved, MIGRATE_MA, DEBUG
  c.debug = true;
  auto d = eval(policy_from("[platforms]\nallow_debug = true\n[snp]\nrequire_no_migration_agent = "
                            "true\nrequire_no_debug = true\nallow_smt = false\n"),
                c);
  EXPECT_EQ(message_of(d, "snp.require_no_migration_agent"),
            "guest policy 0x00000000000f0000 allows a migration agent (MIGRATE_MA, bit 18)");
  EXPECT_EQ(message_of(d, "snp.require_no_debug"),
            "guest policy 0x00000000000f0000 allows debugging (DEBUG, bit 19)");
  EXPECT_EQ(message_of(d, "snp.allow_smt"),
            "guest policy 0x00000000000f0000 allows SMT (bit 16) and the policy sets allow_smt = "
            "false");
  EXPECT_EQ(d.violations.size(), 3u) << describe(d);
  EXPECT_TRUE(eval(policy_from("[snp]\nrequire_no_migration_agent = true\nrequire_no_debug = "
                               "true\nallow_smt = true\n"),
                   snp_claims())
                  .accepted());
}

TEST(PolicyEvaluate, SnpMinimumFirmwareAndAbi) {
  Claims c = snp_claims();  // firmware 1.55 build 21; policy ABI 0.0
  EXPECT_EQ(
      message_of(eval(policy_from("[snp]\nmin_firmware = \"1.56\"\n"), c), "snp.min_firmware"),
      "firmware 1.55.21 is below the minimum 1.56");
  EXPECT_TRUE(eval(policy_from("[snp]\nmin_firmware = \"1.55\"\n"), c).accepted());
  EXPECT_TRUE(
      has_rule(eval(policy_from("[snp]\nmin_firmware = \"1.55.22\"\n"), c), "snp.min_firmware"));
  EXPECT_TRUE(eval(policy_from("[snp]\nmin_firmware = \"1.55.21\"\n"), c).accepted());
  EXPECT_EQ(message_of(eval(policy_from("[snp]\nmin_abi = \"1.51\"\n"), c), "snp.min_abi"),
            "guest policy ABI 0.0 is below the minimum 1.51");
  c.guest_policy = 0x30133;  // ABI 1.51
  EXPECT_TRUE(eval(policy_from("[snp]\nmin_abi = \"1.51\"\n"), c).accepted());
}

TEST(PolicyEvaluate, MaxEvidenceAge) {
  Policy p = policy_from(
      "[platforms]\nallow_non_confidential = true\n[freshness]\nmax_age_seconds = 60\n");
  Claims c = kvm_claims();
  c.evidence_time = t("2026-01-01T00:00:00Z");
  EXPECT_TRUE(evaluate(p, c, {t("2026-01-01T00:01:00Z"), {}}).accepted());
  auto d = evaluate(p, c, {t("2026-01-01T00:01:01Z"), {}});
  EXPECT_EQ(message_of(d, "freshness.max_age_seconds"),
            "evidence is 61 s old (evidence timestamp 2026-01-01T00:00:00Z, now "
            "2026-01-01T00:01:01Z), more than the maximum 60 s");
  // Without an evidence time, the nonce time counts; without both, a note.
  Claims snp = snp_claims();
  EXPECT_TRUE(has_rule(evaluate(p, snp, {t("2026-01-01T00:05:00Z"), t("2026-01-01T00:00:00Z")}),
                       "freshness.max_age_seconds"));
  auto n = evaluate(p, snp, {t("2026-01-01T00:05:00Z"), {}});
  EXPECT_TRUE(n.accepted());
  ASSERT_EQ(n.notes.size(), 1u);
  EXPECT_NE(n.notes[0].find("not applied"), std::string::npos);
}

TEST(PolicyEvaluate, AllViolationsAreReported) {
  Claims c = snp_claims();
  c.debug = true;
  c.cpu.product = "Milan";
  c.vmpl = 3;
  auto d = eval(policy_from("[platforms]\nallow = [\"tdx\"]\n[cpu]\ndeny_products = [\"Milan\"]\n"
                            "[tcb.minimum]\nsnp = 22\n[snp]\nmax_vmpl = 0\n"),
                c);
  for (const char* rule : {"platforms.allow", "platforms.allow_debug", "cpu.deny_products",
                           "tcb.minimum.snp", "snp.max_vmpl"})
    EXPECT_TRUE(has_rule(d, rule)) << rule << "\n" << describe(d);
  EXPECT_EQ(d.violations.size(), 5u) << describe(d);
  auto j = policy_decision_to_json(d);
  EXPECT_EQ(j["accepted"], false);
  EXPECT_EQ(j["violations"].size(), 5u);
  EXPECT_EQ(j["violations"][0]["rule"], "platforms.allow");
}

}  // namespace
}  // namespace cloister::attest
