// SPDX-License-Identifier: Apache-2.0
//
// Policy TOML parsing on arbitrary text: must never crash or let an
// exception escape; every accepted policy is evaluated against claims of
// every platform (evaluation must cope with any parsed policy).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "attest/policy.h"

namespace {

cloister::attest::Claims claims_for(cloister::attest::Platform p) {
  using namespace cloister::attest;
  Claims c;
  c.platform = p;
  c.confidential = p != Platform::Kvm && p != Platform::Nil;
  c.debug = p == Platform::SevSnp;
  c.measurements[p == Platform::Sgx ? "mrenclave" : "measurement"] = Bytes(48, 0x42);
  c.measurements["mrsigner"] = Bytes(32, 0x43);
  c.tcb = {{"bootloader", 3}, {"snp", 8}, {"pcesvn", 11}, {"fmc", 1}};
  c.tcb_status = "OutOfDate";
  c.advisories = {"INTEL-SA-00615"};
  c.cpu.product = "Milan";
  c.cpu.product_name = "Milan-B0";
  c.cpu.fmspc = Bytes(6, 0);
  c.vmpl = 1;
  c.guest_policy = 0xf0000;
  c.firmware_major = 1;
  c.firmware_minor = 51;
  c.evidence_time = TimePoint(std::chrono::seconds(1700000000));
  c.details["author_key_digest"] = std::string(96, '0');
  return c;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cloister::attest;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto policy = parse_policy(text, "fuzz.toml");
  if (!policy) return 0;
  for (Platform p :
       {Platform::SevSnp, Platform::Sgx, Platform::Tdx, Platform::Kvm, Platform::Nil}) {
    PolicyDecision d = evaluate(*policy, claims_for(p),
                                {TimePoint(std::chrono::seconds(1800000000)), std::nullopt});
    (void)policy_decision_to_json(d).dump();
  }
  return 0;
}
