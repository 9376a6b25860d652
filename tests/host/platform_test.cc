// SPDX-License-Identifier: Apache-2.0
#include "host/platform.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace cloister::host {
namespace {

const BackendStatus& get(const std::vector<BackendStatus>& all, const std::string& name) {
  auto it = std::find_if(all.begin(), all.end(), [&](const auto& b) { return b.name == name; });
  EXPECT_NE(it, all.end()) << name;
  return *it;
}

bool mentions(const BackendStatus& b, const std::string& text) {
  return std::any_of(b.reasons.begin(), b.reasons.end(),
                     [&](const std::string& r) { return r.find(text) != std::string::npos; });
}

TEST(Platform, ListsEveryBackendWithItsConfidentiality) {
  const auto all = judge_platform(PlatformFacts{});
  std::vector<std::string> names;
  for (const auto& b : all) names.push_back(b.name);
  EXPECT_EQ(names, (std::vector<std::string>{"nil", "kvm", "sev-snp", "tdx", "sgx", "cvm"}));
  EXPECT_FALSE(get(all, "nil").confidential);
  EXPECT_FALSE(get(all, "kvm").confidential);
  for (const char* c : {"sev-snp", "tdx", "sgx", "cvm"}) EXPECT_TRUE(get(all, c).confidential) << c;
}

TEST(Platform, NilIsAlwaysThereAndKvmFollowsItsProbe) {
  PlatformFacts f;
  auto all = judge_platform(f);
  EXPECT_TRUE(get(all, "nil").available);
  EXPECT_TRUE(get(all, "kvm").available);
  EXPECT_EQ(auto_backend(all), "kvm");

  f.kvm_problem = "/dev/kvm does not exist (is the kvm module loaded?)";
  all = judge_platform(f);
  EXPECT_FALSE(get(all, "kvm").available);
  EXPECT_TRUE(mentions(get(all, "kvm"), "/dev/kvm does not exist"));
  EXPECT_EQ(auto_backend(all), "nil");
}

TEST(Platform, APvmKvmIsUsableWithANote) {
  PlatformFacts f;
  f.kvm_is_pvm = true;
  const auto all = judge_platform(f);
  const auto& kvm = get(all, "kvm");
  EXPECT_TRUE(kvm.available);
  ASSERT_EQ(kvm.notes.size(), 1u);
  EXPECT_NE(kvm.notes[0].find("PVM"), std::string::npos);
  EXPECT_TRUE(get(judge_platform(PlatformFacts{}), "kvm").notes.empty());
}

TEST(Platform, EveryUnavailableBackendSaysWhy) {
  for (const auto& b : judge_platform(PlatformFacts{})) {
    if (!b.available) {
      EXPECT_FALSE(b.reasons.empty()) << b.name;
    }
  }
}

TEST(Platform, SevSnpNamesEachMissingPiece) {
  PlatformFacts f;
  auto snp = get(judge_platform(f), "sev-snp");
  EXPECT_TRUE(mentions(snp, "sev_snp flag"));
  EXPECT_TRUE(mentions(snp, "/dev/sev is missing"));
  EXPECT_TRUE(mentions(snp, "kvm_amd parameter sev_snp"));

  f.cpu_flags = {"sev_snp"};
  f.present = {"/dev/sev"};
  snp = get(judge_platform(f), "sev-snp");
  EXPECT_FALSE(mentions(snp, "sev_snp flag"));
  EXPECT_FALSE(mentions(snp, "/dev/sev is missing"));
  EXPECT_TRUE(mentions(snp, "kvm_amd parameter sev_snp"));
}

TEST(Platform, ReadyHardwareIsReportedAsNotYetSupportedNotAsMissing) {
  PlatformFacts f;
  f.cpu_flags = {"sev_snp", "sgx", "sgx_lc"};
  f.present = {"/dev/sev", "/dev/sgx_enclave", "/dev/sgx_provision"};
  f.enabled = {"/sys/module/kvm_amd/parameters/sev_snp"};
  const auto all = judge_platform(f);
  for (const char* name : {"sev-snp", "sgx"}) {
    const auto& b = get(all, name);
    EXPECT_FALSE(b.available) << name;
    ASSERT_EQ(b.reasons.size(), 1u) << name;
    EXPECT_TRUE(mentions(b, "cannot run " + std::string(name) + " keeps yet")) << name;
  }
  // Never picked while it cannot run keeps.
  EXPECT_EQ(auto_backend(all), "kvm");
}

TEST(Platform, CvmNeedsAGuestAndConfigfsTsm) {
  PlatformFacts f;
  f.cpu_flags = {"tdx_guest"};
  auto cvm = get(judge_platform(f), "cvm");
  EXPECT_FALSE(mentions(cvm, "not a confidential VM"));
  EXPECT_TRUE(mentions(cvm, "/sys/kernel/config/tsm/report is missing"));
}

TEST(Platform, AutoPrefersConfidentialThenIsolated) {
  std::vector<BackendStatus> all = {{"nil", "", false, true, {}, {}},
                                    {"kvm", "", false, true, {}, {}},
                                    {"sev-snp", "", true, true, {}, {}}};
  EXPECT_EQ(auto_backend(all), "sev-snp");
  all[1].available = false;
  all[2].available = false;
  EXPECT_EQ(auto_backend(all), "nil");
}

}  // namespace
}  // namespace cloister::host
