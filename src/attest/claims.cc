// SPDX-License-Identifier: Apache-2.0
#include "attest/claims.h"

#include <cstdio>

#include "base/hex.h"
#include "base/time.h"

namespace cloister::attest {

std::string_view to_string(Platform p) {
  switch (p) {
    case Platform::SevSnp:
      return "snp";
    case Platform::Sgx:
      return "sgx";
    case Platform::Tdx:
      return "tdx";
    case Platform::Kvm:
      return "kvm";
    case Platform::Nil:
      return "nil";
  }
  return "unknown";
}

namespace {

constexpr std::string_view kNotConfidentialLabel =
    "not confidential: the host can read and modify keep memory";

nlohmann::json hex_or_null(const Bytes& b) {
  if (b.empty()) return nullptr;
  return to_hex(b);
}

}  // namespace

nlohmann::json claims_to_json(const Claims& c) {
  nlohmann::json j = nlohmann::json::object();
  j["platform"] = std::string(to_string(c.platform));
  j["confidential"] = c.confidential;
  std::vector<std::string> labels = c.labels;
  if (!c.confidential) {
    bool present = false;
    for (const auto& l : labels) present = present || l == kNotConfidentialLabel;
    if (!present) labels.insert(labels.begin(), std::string(kNotConfidentialLabel));
  }
  j["labels"] = labels;
  j["debug"] = c.debug;

  nlohmann::json m = nlohmann::json::object();
  for (const auto& [name, value] : c.measurements) m[name] = to_hex(value);
  j["measurements"] = m;
  j["report_data"] = hex_or_null(c.report_data);
  j["host_data"] = hex_or_null(c.host_data);

  nlohmann::json tcb = nlohmann::json::object();
  for (const auto& [name, value] : c.tcb) tcb[name] = value;
  j["tcb"] = tcb;
  j["tcb_status"] = c.tcb_status.empty() ? nlohmann::json(nullptr) : nlohmann::json(c.tcb_status);
  j["advisories"] = c.advisories;

  nlohmann::json cpu = nlohmann::json::object();
  cpu["vendor"] = c.cpu.vendor;
  cpu["product"] = c.cpu.product;
  cpu["product_name"] = c.cpu.product_name;
  cpu["family"] = c.cpu.family ? nlohmann::json(*c.cpu.family) : nlohmann::json(nullptr);
  cpu["model"] = c.cpu.model ? nlohmann::json(*c.cpu.model) : nlohmann::json(nullptr);
  cpu["stepping"] = c.cpu.stepping ? nlohmann::json(*c.cpu.stepping) : nlohmann::json(nullptr);
  cpu["fmspc"] = hex_or_null(c.cpu.fmspc);
  j["cpu"] = cpu;

  j["chip_id"] = hex_or_null(c.chip_id);
  j["signing_key"] = c.signing_key;
  j["vmpl"] = c.vmpl ? nlohmann::json(*c.vmpl) : nlohmann::json(nullptr);
  if (c.guest_policy) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%016llx", static_cast<unsigned long long>(*c.guest_policy));
    j["guest_policy"] = buf;
  } else {
    j["guest_policy"] = nullptr;
  }
  if (c.firmware_major && c.firmware_minor) {
    nlohmann::json fw = {{"major", *c.firmware_major}, {"minor", *c.firmware_minor}};
    fw["build"] = c.firmware_build ? nlohmann::json(*c.firmware_build) : nlohmann::json(nullptr);
    j["firmware"] = fw;
  } else {
    j["firmware"] = nullptr;
  }
  j["evidence_time"] =
      c.evidence_time ? nlohmann::json(format_rfc3339(*c.evidence_time)) : nlohmann::json(nullptr);

  nlohmann::json coll = nlohmann::json::array();
  for (const auto& d : c.collateral) {
    coll.push_back({{"name", d.name},
                    {"not_before", format_rfc3339(d.not_before)},
                    {"not_after", format_rfc3339(d.not_after)}});
  }
  j["collateral"] = coll;
  j["details"] = c.details;
  return j;
}

}  // namespace cloister::attest
