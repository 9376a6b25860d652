// SPDX-License-Identifier: Apache-2.0
//
// Helpers for the policy tests: synthetic claims per platform and assertions
// on decisions.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "attest/policy.h"
#include "base/hex.h"

namespace cloister::attest::testing {

inline Bytes hex_bytes(std::string_view hex) {
  auto b = from_hex(hex);
  EXPECT_TRUE(b.has_value()) << hex;
  return b ? *b : Bytes{};
}

inline Policy policy_from(std::string_view toml) {
  auto p = parse_policy(toml, "test.toml");
  EXPECT_TRUE(p.has_value()) << (p ? "" : p.error().message());
  return p ? *p : Policy{};
}

// A verified, non-debug Genoa SNP keep at VMPL 0 with firmware 1.55.
inline Claims snp_claims() {
  Claims c;
  c.platform = Platform::SevSnp;
  c.confidential = true;
  c.measurements["measurement"] = Bytes(48, 0xAA);
  c.report_data = Bytes(64, 0);
  c.tcb = {{"bootloader", 9}, {"tee", 0}, {"snp", 21}, {"microcode", 72}};
  c.cpu.vendor = "AMD";
  c.cpu.product = "Genoa";
  c.cpu.product_name = "Genoa";
  c.signing_key = "vcek";
  c.vmpl = 0;
  c.guest_policy = 0x30000;  // SMT + reserved bit 17
  c.firmware_major = 1;
  c.firmware_minor = 55;
  c.firmware_build = 21;
  c.details["author_key_digest"] = std::string(96, '0');
  return c;
}

inline Claims sgx_claims() {
  Claims c;
  c.platform = Platform::Sgx;
  c.confidential = true;
  c.measurements["mrenclave"] = Bytes(32, 0x11);
  c.measurements["mrsigner"] = Bytes(32, 0x22);
  c.tcb = {{"pcesvn", 11}, {"sgx_comp_00", 3}};
  c.tcb_status = "SWHardeningNeeded";
  c.advisories = {"INTEL-SA-00615"};
  c.cpu.vendor = "Intel";
  c.cpu.fmspc = Bytes{0x00, 0x90, 0x6e, 0xa1, 0x00, 0x00};
  c.signing_key = "pck";
  return c;
}

inline Claims kvm_claims() {
  Claims c;
  c.platform = Platform::Kvm;
  c.confidential = false;
  c.measurements["measurement"] = Bytes(48, 0x33);
  c.signing_key = "kvm-host";
  return c;
}

inline bool has_rule(const PolicyDecision& d, std::string_view rule) {
  return std::any_of(d.violations.begin(), d.violations.end(),
                     [&](const Violation& v) { return v.rule == rule; });
}

inline std::string describe(const PolicyDecision& d) {
  std::string s;
  for (const auto& v : d.violations) s += "[" + v.rule + "] " + v.message + "\n";
  return s.empty() ? "(accepted)" : s;
}

inline std::string message_of(const PolicyDecision& d, std::string_view rule) {
  for (const auto& v : d.violations)
    if (v.rule == rule) return v.message;
  return "";
}

}  // namespace cloister::attest::testing
