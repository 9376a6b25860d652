// SPDX-License-Identifier: Apache-2.0
//
// Intel PCS QE Identity (enclaveIdentity version 2): which Quoting Enclave is
// genuine (MRSIGNER, ISVPRODID, masked MISCSELECT/ATTRIBUTES) and the TCB
// status of each QE ISVSVN.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "attest/tcb_info.h"

namespace cloister::attest::dcap {

struct QeIdentity {
  SignedBody signed_body;
  std::string id;  // "QE" (SGX), "TD_QE" (TDX), "QVE"
  uint32_t version = 0;
  TimePoint issue_date, next_update;
  std::string issue_date_text, next_update_text;
  uint32_t tcb_evaluation_data_number = 0;
  uint32_t miscselect = 0, miscselect_mask = 0;
  std::array<uint8_t, 16> attributes{}, attributes_mask{};
  std::array<uint8_t, 32> mrsigner{};
  uint16_t isvprodid = 0;
  std::vector<IsvSvnLevel> tcb_levels;
};

// Parses a PCS QE Identity response {"enclaveIdentity":{...},"signature":"..."}.
Result<QeIdentity> parse_qe_identity(std::string_view json_text);

}  // namespace cloister::attest::dcap
