// SPDX-License-Identifier: Apache-2.0
#include "attest/qe_identity.h"

#include "attest/dcap_json.h"

namespace cloister::attest::dcap {
namespace {

// MISCSELECT is written as 4 bytes of big-endian hex ("00000000").
uint32_t be32(const std::array<uint8_t, 4>& b) {
  return static_cast<uint32_t>(b[0]) << 24 | static_cast<uint32_t>(b[1]) << 16 |
         static_cast<uint32_t>(b[2]) << 8 | b[3];
}

}  // namespace

Result<QeIdentity> parse_qe_identity(std::string_view json_text) {
  QeIdentity qe;
  try {
    qe.signed_body = pcs_json::split_signed(json_text, "enclaveIdentity");
    const nlohmann::json body = nlohmann::json::parse(qe.signed_body.body);
    qe.id = pcs_json::string_field(body, "id");
    qe.version = pcs_json::uint_field(body, "version", 1000);
    if (qe.version != 2)
      return fail("qe_identity: version ", qe.version, " is not supported (2 is)");
    qe.issue_date = pcs_json::date_field(body, "issueDate", &qe.issue_date_text);
    qe.next_update = pcs_json::date_field(body, "nextUpdate", &qe.next_update_text);
    qe.tcb_evaluation_data_number =
        pcs_json::uint_field(body, "tcbEvaluationDataNumber", 0xffffffffu);
    qe.miscselect = be32(pcs_json::hex_array<4>(body, "miscselect"));
    qe.miscselect_mask = be32(pcs_json::hex_array<4>(body, "miscselectMask"));
    qe.attributes = pcs_json::hex_array<16>(body, "attributes");
    qe.attributes_mask = pcs_json::hex_array<16>(body, "attributesMask");
    qe.mrsigner = pcs_json::hex_array<32>(body, "mrsigner");
    qe.isvprodid = static_cast<uint16_t>(pcs_json::uint_field(body, "isvprodid", 65535));
    qe.tcb_levels = pcs_json::isvsvn_levels(body);
  } catch (const pcs_json::FieldError& e) {
    return fail("qe_identity: ", e.what());
  } catch (const nlohmann::json::exception& e) {
    return fail("qe_identity: ", e.what());
  }
  return qe;
}

}  // namespace cloister::attest::dcap
