// SPDX-License-Identifier: Apache-2.0
#include "attest/dcap_json.h"

#include <nlohmann/json.hpp>

namespace cloister::attest::dcap {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

void skip_space(std::string_view s, size_t* pos) {
  while (*pos < s.size() && is_space(s[*pos])) ++*pos;
}

// Advances past a JSON string starting at s[*pos] == '"'.
bool skip_string(std::string_view s, size_t* pos) {
  for (size_t i = *pos + 1; i < s.size(); ++i) {
    if (s[i] == '\\') {
      ++i;  // the escaped character cannot end the string
    } else if (s[i] == '"') {
      *pos = i + 1;
      return true;
    }
  }
  return false;
}

// Advances past one JSON value; structure is validated separately by the
// full parser, this only has to find where the value ends.
bool skip_value(std::string_view s, size_t* pos) {
  if (*pos >= s.size()) return false;
  if (s[*pos] == '"') return skip_string(s, pos);
  if (s[*pos] == '{' || s[*pos] == '[') {
    int depth = 0;
    size_t i = *pos;
    while (i < s.size()) {
      char c = s[i];
      if (c == '"') {
        if (!skip_string(s, &i)) return false;
        continue;
      }
      if (c == '{' || c == '[') ++depth;
      if (c == '}' || c == ']') {
        if (--depth == 0) {
          *pos = i + 1;
          return true;
        }
      }
      ++i;
    }
    return false;
  }
  size_t i = *pos;
  while (i < s.size() && s[i] != ',' && s[i] != '}' && s[i] != ']' && !is_space(s[i])) ++i;
  if (i == *pos) return false;
  *pos = i;
  return true;
}

}  // namespace

Result<std::map<std::string, std::string_view>> raw_top_level_members(std::string_view text) {
  // The full parser decides well-formedness (and rejects trailing garbage).
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return fail("not well-formed JSON");
  if (!doc.is_object()) return fail("expected a JSON object at the top level");

  std::map<std::string, std::string_view> members;
  size_t pos = 0;
  skip_space(text, &pos);
  if (pos >= text.size() || text[pos] != '{') return fail("expected '{'");
  ++pos;
  skip_space(text, &pos);
  if (pos < text.size() && text[pos] == '}') return members;
  for (;;) {
    skip_space(text, &pos);
    size_t key_start = pos;
    if (pos >= text.size() || text[pos] != '"' || !skip_string(text, &pos))
      return fail("expected a member name at offset ", key_start);
    // Decode the key with the real parser so escapes are handled correctly.
    nlohmann::json key =
        nlohmann::json::parse(text.substr(key_start, pos - key_start), nullptr, false);
    if (key.is_discarded() || !key.is_string()) return fail("bad member name at ", key_start);
    skip_space(text, &pos);
    if (pos >= text.size() || text[pos] != ':') return fail("expected ':' at offset ", pos);
    ++pos;
    skip_space(text, &pos);
    size_t value_start = pos;
    if (!skip_value(text, &pos)) return fail("bad value at offset ", value_start);
    auto [it, inserted] =
        members.emplace(key.get<std::string>(), text.substr(value_start, pos - value_start));
    if (!inserted) return fail("duplicate member \"", it->first, "\"");
    skip_space(text, &pos);
    if (pos < text.size() && text[pos] == ',') {
      ++pos;
      continue;
    }
    if (pos < text.size() && text[pos] == '}') break;
    return fail("expected ',' or '}' at offset ", pos);
  }
  return members;
}

}  // namespace cloister::attest::dcap

#include "base/hex.h"
#include "base/time.h"

namespace cloister::attest::dcap::pcs_json {

SignedBody split_signed(std::string_view text, const char* member) {
  auto members = raw_top_level_members(text);
  if (!members) throw FieldError(members.error().message());
  auto body = members->find(member);
  if (body == members->end()) throw FieldError(std::string("no \"") + member + "\" member");
  if (body->second.empty() || body->second.front() != '{')
    throw FieldError(std::string("\"") + member + "\" is not an object");
  auto sig = members->find("signature");
  if (sig == members->end()) throw FieldError("no \"signature\" member");
  nlohmann::json sig_value = nlohmann::json::parse(sig->second, nullptr, false);
  if (sig_value.is_discarded() || !sig_value.is_string())
    throw FieldError("\"signature\" is not a string");
  auto sig_bytes = from_hex(sig_value.get<std::string>());
  if (!sig_bytes || sig_bytes->size() != 64)
    throw FieldError("\"signature\" must be 64 bytes (r||s) in hex");
  return SignedBody{std::string(body->second), std::move(*sig_bytes)};
}

Bytes hex_field(const nlohmann::json& obj, const char* key, size_t size) {
  const std::string s = string_field(obj, key);
  auto bytes = from_hex(s);
  if (!bytes || bytes->size() != size)
    throw FieldError(std::string("\"") + key + "\" must be " + std::to_string(size) +
                     " bytes in hex");
  return std::move(*bytes);
}

uint32_t uint_field(const nlohmann::json& obj, const char* key, uint32_t max) {
  const nlohmann::json& v = obj.at(key);
  if (!v.is_number_unsigned() || v.get<uint64_t>() > max)
    throw FieldError(std::string("\"") + key + "\" must be an integer 0.." + std::to_string(max));
  return static_cast<uint32_t>(v.get<uint64_t>());
}

std::string string_field(const nlohmann::json& obj, const char* key) {
  const nlohmann::json& v = obj.at(key);
  if (!v.is_string()) throw FieldError(std::string("\"") + key + "\" must be a string");
  return v.get<std::string>();
}

TimePoint date_field(const nlohmann::json& obj, const char* key, std::string* text) {
  *text = string_field(obj, key);
  // parse_rfc3339 yields a nanosecond system_clock time, which cannot hold
  // years past 2261 (rust-sgx's corrupted fixture says 3000). Such dates are
  // checked for form with an in-range year and then saturate, so the window
  // check still fails the right way.
  if (text->size() >= 4 && (text->compare(0, 4, "1970") < 0 || text->compare(0, 4, "2200") > 0)) {
    const bool future = text->compare(0, 4, "2200") > 0;
    auto form = parse_rfc3339("2000" + text->substr(4));
    if (!form) throw FieldError(std::string("\"") + key + "\": " + form.error().message());
    return future ? TimePoint::max() : TimePoint::min();
  }
  auto t = parse_rfc3339(*text);
  if (!t) throw FieldError(std::string("\"") + key + "\": " + t.error().message());
  return *t;
}

void level_common(const nlohmann::json& level, std::string* date, std::string* status,
                  std::vector<std::string>* advisories) {
  *date = string_field(level, "tcbDate");
  *status = string_field(level, "tcbStatus");
  if (!is_known_tcb_status(*status)) throw FieldError("unknown tcbStatus \"" + *status + "\"");
  if (level.contains("advisoryIDs")) {
    const nlohmann::json& ids = level.at("advisoryIDs");
    if (!ids.is_array()) throw FieldError("\"advisoryIDs\" must be an array");
    for (const auto& id : ids) {
      if (!id.is_string()) throw FieldError("advisory IDs must be strings");
      advisories->push_back(id.get<std::string>());
    }
  }
}

std::vector<IsvSvnLevel> isvsvn_levels(const nlohmann::json& obj) {
  const nlohmann::json& levels = obj.at("tcbLevels");
  if (!levels.is_array() || levels.empty())
    throw FieldError("\"tcbLevels\" must be a non-empty array");
  std::vector<IsvSvnLevel> out;
  for (const auto& level : levels) {
    IsvSvnLevel l;
    l.isvsvn = static_cast<uint16_t>(uint_field(level.at("tcb"), "isvsvn", 65535));
    level_common(level, &l.tcb_date, &l.status, &l.advisories);
    out.push_back(std::move(l));
  }
  return out;
}

}  // namespace cloister::attest::dcap::pcs_json
