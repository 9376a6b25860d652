// SPDX-License-Identifier: Apache-2.0
//
// The claims of an SEV-SNP report: the typed common fields the deployment
// policy reads, and `details` with every report field under the names and
// encodings of docs/attestation-snp.md (byte strings as lower-case hex in
// report order, TCB_VERSIONs as their 8 bytes in hex, policy as 0x-prefixed
// 16-digit hex of the little-endian u64).
#include <cstdio>

#include "attest/snp.h"
#include "base/hex.h"

namespace cloister::attest::snp {
namespace {

template <typename... Args>
std::string format(const char* fmt, Args... args) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), fmt, args...);
  return buf;
}

nlohmann::json tcb_components_json(const TcbComponents& c) {
  nlohmann::json j = nlohmann::json::object();
  if (c.fmc) j["fmc"] = *c.fmc;
  j["bl"] = c.bootloader;
  j["tee"] = c.tee;
  j["snp"] = c.snp;
  j["ucode"] = c.microcode;
  return j;
}

std::string_view signing_key_name(uint8_t signing_key) {
  switch (signing_key) {
    case 0:
      return "vcek";
    case 1:
      return "vlek";
    case 7:
      return "none";
    default:
      return "reserved";
  }
}

}  // namespace

Claims claims_from_report(const Report& r, Product product_hint) {
  Product product = report_product(r);
  if (product == Product::Unknown) product = product_hint;
  const TcbComponents reported = decode_tcb(r.reported_tcb, product);

  Claims c;
  c.platform = Platform::SevSnp;
  c.confidential = true;
  c.debug = (r.policy >> 19 & 1) != 0;
  c.measurements["measurement"] = Bytes(r.measurement.begin(), r.measurement.end());
  c.report_data = Bytes(r.report_data.begin(), r.report_data.end());
  c.host_data = Bytes(r.host_data.begin(), r.host_data.end());
  if (reported.fmc) c.tcb["fmc"] = *reported.fmc;
  c.tcb["bootloader"] = reported.bootloader;
  c.tcb["tee"] = reported.tee;
  c.tcb["snp"] = reported.snp;
  c.tcb["microcode"] = reported.microcode;
  c.cpu.vendor = "AMD";
  c.cpu.product = std::string(to_string(product));
  if (r.cpuid_fam_id) c.cpu.family = *r.cpuid_fam_id;
  if (r.cpuid_mod_id) c.cpu.model = *r.cpuid_mod_id;
  if (r.cpuid_step) c.cpu.stepping = *r.cpuid_step;
  c.chip_id = Bytes(r.chip_id.begin(), r.chip_id.end());
  c.signing_key = std::string(signing_key_name(r.signing_key));
  c.vmpl = r.vmpl;
  c.guest_policy = r.policy;
  c.firmware_major = r.current_major;
  c.firmware_minor = r.current_minor;
  c.firmware_build = r.current_build;

  nlohmann::json& d = c.details;
  d["report_version"] = r.version;
  d["product"] = product == Product::Unknown ? nlohmann::json(nullptr)
                                             : nlohmann::json(std::string(to_string(product)));
  if (r.cpuid_fam_id && r.cpuid_mod_id && r.cpuid_step) {
    d["cpuid"] = {{"family", format("0x%02x", *r.cpuid_fam_id)},
                  {"model", format("0x%02x", *r.cpuid_mod_id)},
                  {"stepping", format("0x%x", *r.cpuid_step)}};
  } else {
    d["cpuid"] = nullptr;
  }
  d["guest_svn"] = r.guest_svn;
  d["vmpl"] = r.vmpl;
  d["policy"] = format("0x%016llx", static_cast<unsigned long long>(r.policy));
  d["policy_decoded"] = {{"abi_major", (r.policy >> 8) & 0xff},
                         {"abi_minor", r.policy & 0xff},
                         {"flags", policy_flag_names(r.policy)}};
  d["signing_key"] = signing_key_name(r.signing_key);
  d["mask_chip_key"] = r.mask_chip_key ? 1 : 0;
  d["author_key_en"] = r.author_key_en ? 1 : 0;
  d["reported_tcb"] = to_hex(r.reported_tcb);
  d["reported_tcb_components"] = tcb_components_json(reported);
  d["current_tcb"] = to_hex(r.current_tcb);
  d["committed_tcb"] = to_hex(r.committed_tcb);
  d["launch_tcb"] = to_hex(r.launch_tcb);
  d["current_firmware"] =
      format("%u.%u build %u", r.current_major, r.current_minor, r.current_build);
  d["platform_info"] = format("0x%llx", static_cast<unsigned long long>(r.platform_info));
  d["measurement"] = to_hex(r.measurement);
  d["report_data"] = to_hex(r.report_data);
  d["host_data"] = to_hex(r.host_data);
  d["id_key_digest"] = to_hex(r.id_key_digest);
  d["author_key_digest"] = to_hex(r.author_key_digest);
  d["chip_id"] = to_hex(r.chip_id);
  if (r.launch_mit_vector)
    d["launch_mit_vector"] =
        format("0x%llx", static_cast<unsigned long long>(*r.launch_mit_vector));
  if (r.current_mit_vector)
    d["current_mit_vector"] =
        format("0x%llx", static_cast<unsigned long long>(*r.current_mit_vector));
  return c;
}

}  // namespace cloister::attest::snp
