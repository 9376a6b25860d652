// SPDX-License-Identifier: Apache-2.0
//
// Intel PCS TCB Info (versions 2 and 3, SGX and TDX): the TCB levels of one
// platform family (FMSPC), newest first, each with its status and advisories.
// Field names from Intel's "PCS API" specification (Get TCB Info v3/v4).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "attest/claims.h"
#include "base/result.h"

namespace cloister::attest::dcap {

// One signed PCS document: the parsed body plus the exact signed bytes.
struct SignedBody {
  std::string body;  // the raw "tcbInfo"/"enclaveIdentity" value bytes, as signed
  Bytes signature;   // 64-byte ECDSA P-256 r||s
};

struct TcbLevel {
  std::array<uint8_t, 16> sgx_comp_svn{};
  uint16_t pcesvn = 0;
  std::optional<std::array<uint8_t, 16>> tdx_comp_svn;  // TDX TCB Info only
  std::string tcb_date;
  std::string status;  // "UpToDate", "SWHardeningNeeded", ...
  std::vector<std::string> advisories;
};

// A TCB level of a TDX module or QE identity: only an ISV SVN.
struct IsvSvnLevel {
  uint16_t isvsvn = 0;
  std::string tcb_date;
  std::string status;
  std::vector<std::string> advisories;
};

struct TdxModuleIdentity {
  std::string id;  // "TDX_01", "TDX_03", ...
  Bytes mrsigner;  // 48 bytes
  std::array<uint8_t, 8> attributes{};
  std::array<uint8_t, 8> attributes_mask{};
  std::vector<IsvSvnLevel> tcb_levels;
};

struct TcbInfo {
  SignedBody signed_body;
  std::string id;  // "SGX" or "TDX" (v3); empty in v2, which is SGX only
  uint32_t version = 0;
  TimePoint issue_date, next_update;
  std::string issue_date_text, next_update_text;
  std::array<uint8_t, 6> fmspc{};
  std::array<uint8_t, 2> pce_id{};
  uint32_t tcb_type = 0;
  uint32_t tcb_evaluation_data_number = 0;
  // TDX: the default module identity (v3 "tdxModule") and the per-version ones.
  std::optional<TdxModuleIdentity> tdx_module;
  std::vector<TdxModuleIdentity> tdx_module_identities;
  std::vector<TcbLevel> tcb_levels;
  bool is_tdx() const { return id == "TDX"; }
};

// Parses a PCS TCB Info response {"tcbInfo":{...},"signature":"..."}.
Result<TcbInfo> parse_tcb_info(std::string_view json_text);

// The statuses Intel defines for TCB levels (and QE/module levels).
bool is_known_tcb_status(std::string_view status);

}  // namespace cloister::attest::dcap
