// SPDX-License-Identifier: Apache-2.0
//
// Intel signs TCB Info and QE Identity over the exact bytes of the "tcbInfo" /
// "enclaveIdentity" member as served, so those bytes must be cut out of the
// file text, never re-serialised from a parsed tree (whitespace or key order
// would change). This scanner returns the raw text of each top-level member.
#pragma once

#include <array>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "attest/tcb_info.h"
#include "base/result.h"

namespace cloister::attest::dcap {

// The raw value text of each member of the top-level JSON object in `text`
// (keys decoded; values are views into `text`). Rejects anything that is not a
// single well-formed JSON object, and duplicate keys.
Result<std::map<std::string, std::string_view>> raw_top_level_members(std::string_view text);

}  // namespace cloister::attest::dcap

// Helpers for reading PCS JSON fields. They throw FieldError (or nlohmann's
// exceptions) on a missing or malformed field; parse_tcb_info and
// parse_qe_identity catch both at their boundary and return an Error, so no
// exception leaves this module.
namespace cloister::attest::dcap::pcs_json {

struct FieldError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Splits {"<member>":{...},"signature":"<hex>"} into the exact signed bytes and the signature.
SignedBody split_signed(std::string_view text, const char* member);
Bytes hex_field(const nlohmann::json& obj, const char* key, size_t size);
template <size_t N>
std::array<uint8_t, N> hex_array(const nlohmann::json& obj, const char* key) {
  Bytes b = hex_field(obj, key, N);
  std::array<uint8_t, N> out{};
  std::copy(b.begin(), b.end(), out.begin());
  return out;
}
uint32_t uint_field(const nlohmann::json& obj, const char* key, uint32_t max);
std::string string_field(const nlohmann::json& obj, const char* key);
TimePoint date_field(const nlohmann::json& obj, const char* key, std::string* text);
std::vector<IsvSvnLevel> isvsvn_levels(const nlohmann::json& obj);
// Reads the common fields of a level (tcbDate, tcbStatus, advisoryIDs).
void level_common(const nlohmann::json& level, std::string* date, std::string* status,
                  std::vector<std::string>* advisories);

}  // namespace cloister::attest::dcap::pcs_json
