// SPDX-License-Identifier: Apache-2.0
#include "attest/tcb_info.h"

#include <cstdio>

#include "attest/dcap_json.h"

namespace cloister::attest::dcap {
namespace {

using pcs_json::FieldError;

std::array<uint8_t, 16> component_array(const nlohmann::json& tcb, const char* key) {
  const nlohmann::json& comps = tcb.at(key);
  if (!comps.is_array() || comps.size() != 16)
    throw FieldError(std::string("\"") + key + "\" must have 16 components");
  std::array<uint8_t, 16> out{};
  for (size_t i = 0; i < 16; ++i)
    out[i] = static_cast<uint8_t>(pcs_json::uint_field(comps[i], "svn", 255));
  return out;
}

TcbLevel parse_level(const nlohmann::json& level, uint32_t version, bool tdx) {
  TcbLevel out;
  const nlohmann::json& tcb = level.at("tcb");
  if (version == 2) {
    // v2 names the components sgxtcbcomp01svn .. sgxtcbcomp16svn.
    for (size_t i = 0; i < 16; ++i) {
      char key[24];
      std::snprintf(key, sizeof(key), "sgxtcbcomp%02zusvn", i + 1);
      out.sgx_comp_svn[i] = static_cast<uint8_t>(pcs_json::uint_field(tcb, key, 255));
    }
  } else {
    out.sgx_comp_svn = component_array(tcb, "sgxtcbcomponents");
    if (tdx) out.tdx_comp_svn = component_array(tcb, "tdxtcbcomponents");
  }
  out.pcesvn = static_cast<uint16_t>(pcs_json::uint_field(tcb, "pcesvn", 65535));
  pcs_json::level_common(level, &out.tcb_date, &out.status, &out.advisories);
  return out;
}

TdxModuleIdentity parse_module(const nlohmann::json& m, bool with_levels) {
  TdxModuleIdentity out;
  if (with_levels) out.id = pcs_json::string_field(m, "id");
  out.mrsigner = pcs_json::hex_field(m, "mrsigner", 48);
  out.attributes = pcs_json::hex_array<8>(m, "attributes");
  out.attributes_mask = pcs_json::hex_array<8>(m, "attributesMask");
  if (with_levels) out.tcb_levels = pcs_json::isvsvn_levels(m);
  return out;
}

}  // namespace

bool is_known_tcb_status(std::string_view s) {
  return s == "UpToDate" || s == "SWHardeningNeeded" || s == "ConfigurationNeeded" ||
         s == "ConfigurationAndSWHardeningNeeded" || s == "OutOfDate" ||
         s == "OutOfDateConfigurationNeeded" || s == "Revoked";
}

Result<TcbInfo> parse_tcb_info(std::string_view json_text) {
  TcbInfo info;
  try {
    info.signed_body = pcs_json::split_signed(json_text, "tcbInfo");
    const nlohmann::json body = nlohmann::json::parse(info.signed_body.body);
    info.version = pcs_json::uint_field(body, "version", 1000);
    if (info.version != 2 && info.version != 3)
      return fail("tcb_info: version ", info.version, " is not supported (2 and 3 are)");
    if (info.version == 3) {
      info.id = pcs_json::string_field(body, "id");
      if (info.id != "SGX" && info.id != "TDX")
        return fail("tcb_info: id \"", info.id, "\" is neither SGX nor TDX");
    }
    info.issue_date = pcs_json::date_field(body, "issueDate", &info.issue_date_text);
    info.next_update = pcs_json::date_field(body, "nextUpdate", &info.next_update_text);
    info.fmspc = pcs_json::hex_array<6>(body, "fmspc");
    info.pce_id = pcs_json::hex_array<2>(body, "pceId");
    info.tcb_type = pcs_json::uint_field(body, "tcbType", 1000);
    // Only TCB type 0 (16 SGX components + PCESVN) is defined.
    if (info.tcb_type != 0) return fail("tcb_info: tcbType ", info.tcb_type, " is not supported");
    info.tcb_evaluation_data_number =
        pcs_json::uint_field(body, "tcbEvaluationDataNumber", 0xffffffffu);
    if (info.is_tdx()) {
      if (body.contains("tdxModule")) info.tdx_module = parse_module(body.at("tdxModule"), false);
      if (body.contains("tdxModuleIdentities")) {
        const nlohmann::json& ids = body.at("tdxModuleIdentities");
        if (!ids.is_array()) throw FieldError("\"tdxModuleIdentities\" must be an array");
        for (const auto& m : ids) info.tdx_module_identities.push_back(parse_module(m, true));
      }
    }
    const nlohmann::json& levels = body.at("tcbLevels");
    if (!levels.is_array() || levels.empty())
      throw FieldError("\"tcbLevels\" must be a non-empty array");
    for (const auto& level : levels)
      info.tcb_levels.push_back(parse_level(level, info.version, info.is_tdx()));
  } catch (const FieldError& e) {
    return fail("tcb_info: ", e.what());
  } catch (const nlohmann::json::exception& e) {
    return fail("tcb_info: ", e.what());
  }
  return info;
}

}  // namespace cloister::attest::dcap
