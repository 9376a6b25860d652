// SPDX-License-Identifier: Apache-2.0
//
// TOML -> Policy. The schema is closed: every table and key is listed here,
// so a misspelt rule is an error instead of a silently missing check.
#include "base/toml.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <sstream>

#include "attest/policy.h"
#include "base/file.h"
#include "base/hex.h"

namespace cloister::attest {

namespace {

// Measurement names and their sizes in bytes (see Claims::measurements).
const std::map<std::string, size_t, std::less<>>& measurement_sizes() {
  static const std::map<std::string, size_t, std::less<>> k = {
      {"measurement", 48}, {"mrenclave", 32},  {"mrsigner", 32}, {"mrtd", 48},
      {"rtmr0", 48},       {"rtmr1", 48},      {"rtmr2", 48},    {"rtmr3", 48},
      {"mrseam", 48},      {"mrconfigid", 48}, {"mrowner", 48},  {"mrownerconfig", 48},
  };
  return k;
}

bool is_tcb_component(std::string_view name) {
  static const std::set<std::string_view> kFixed = {"bootloader", "tee", "snp",
                                                    "microcode",  "fmc", "pcesvn"};
  if (kFixed.contains(name)) return true;
  for (std::string_view prefix : {"sgx_comp_", "tdx_comp_"}) {
    if (name.size() == prefix.size() + 2 && name.starts_with(prefix) &&
        std::isdigit(static_cast<unsigned char>(name[prefix.size()])) &&
        std::isdigit(static_cast<unsigned char>(name[prefix.size() + 1]))) {
      int index = (name[prefix.size()] - '0') * 10 + (name[prefix.size() + 1] - '0');
      if (index < 16) return true;
    }
  }
  return false;
}

const std::set<std::string, std::less<>>& intel_status_names() {
  static const std::set<std::string, std::less<>> k = {"UpToDate",
                                                       "SWHardeningNeeded",
                                                       "ConfigurationNeeded",
                                                       "ConfigurationAndSWHardeningNeeded",
                                                       "OutOfDate",
                                                       "OutOfDateConfigurationNeeded"};
  return k;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

class PolicyParser {
 public:
  explicit PolicyParser(std::string_view source) : source_(source) {}

  void parse(const toml::table& root, Policy& p) {
    check_keys(
        root, "",
        {"version", "platforms", "cpu", "tcb", "measurements", "signers", "snp", "freshness"});
    if (auto* n = root.get("version")) {
      auto v = get_uint(*n, "version", 1000);
      if (v && *v != 1)
        error(*n, "version: only policy version 1 is defined, got " + std::to_string(*v));
    }
    if (auto* t = table_at(root, "platforms")) parse_platforms(*t, p);
    if (auto* t = table_at(root, "cpu")) parse_cpu(*t, p);
    if (auto* t = table_at(root, "tcb")) parse_tcb(*t, p);
    if (auto* t = table_at(root, "measurements")) parse_measurements(*t, p);
    if (auto* t = table_at(root, "signers")) parse_signers(*t, p);
    if (auto* t = table_at(root, "snp")) parse_snp(*t, p);
    if (auto* t = table_at(root, "freshness")) parse_freshness(*t, p);
  }

  const std::vector<std::string>& errors() const { return errors_; }

 private:
  std::string where(const toml::source_region& r) const {
    std::ostringstream s;
    s << source_ << ':' << r.begin.line << ':' << r.begin.column;
    return s.str();
  }
  void error(const toml::node& n, const std::string& message) {
    errors_.push_back(where(n.source()) + ": " + message);
  }

  static std::string_view type_name(const toml::node& n) {
    switch (n.type()) {
      case toml::node_type::table:
        return "table";
      case toml::node_type::array:
        return "array";
      case toml::node_type::string:
        return "string";
      case toml::node_type::integer:
        return "integer";
      case toml::node_type::floating_point:
        return "float";
      case toml::node_type::boolean:
        return "boolean";
      case toml::node_type::date:
        return "date";
      case toml::node_type::time:
        return "time";
      case toml::node_type::date_time:
        return "date-time";
      default:
        return "nothing";
    }
  }
  void wrong_type(const toml::node& n, std::string_view key, std::string_view expected) {
    error(n, std::string(key) + ": expected " + std::string(expected) + ", got " +
                 std::string(type_name(n)));
  }

  void check_keys(const toml::table& t, std::string_view table_name,
                  std::initializer_list<std::string_view> allowed) {
    for (auto&& [k, v] : t) {
      if (std::find(allowed.begin(), allowed.end(), k.str()) != allowed.end()) continue;
      std::string msg = "unknown key '" + std::string(k.str()) + "'";
      msg += table_name.empty() ? std::string(" at the top level")
                                : " in [" + std::string(table_name) + "]";
      msg += " (expected one of:";
      for (auto a : allowed) msg += " " + std::string(a);
      msg += ")";
      errors_.push_back(where(k.source()) + ": " + msg);
    }
  }

  const toml::table* table_at(const toml::table& parent, std::string_view key) {
    const toml::node* n = parent.get(key);
    if (n == nullptr) return nullptr;
    if (!n->is_table()) {
      wrong_type(*n, key, "a table");
      return nullptr;
    }
    return n->as_table();
  }

  std::optional<bool> get_bool(const toml::node& n, std::string_view key) {
    if (auto v = n.value_exact<bool>()) return *v;
    wrong_type(n, key, "a boolean (true or false)");
    return std::nullopt;
  }
  std::optional<uint64_t> get_uint(const toml::node& n, std::string_view key, int64_t max) {
    auto v = n.value_exact<int64_t>();
    if (!v) {
      wrong_type(n, key, "an integer");
      return std::nullopt;
    }
    if (*v < 0 || *v > max) {
      error(n, std::string(key) + ": " + std::to_string(*v) + " is out of range 0.." +
                   std::to_string(max));
      return std::nullopt;
    }
    return static_cast<uint64_t>(*v);
  }
  std::optional<std::string> get_string(const toml::node& n, std::string_view key) {
    if (auto v = n.value_exact<std::string>()) return *v;
    wrong_type(n, key, "a string");
    return std::nullopt;
  }
  // An array of strings; `each` validates one element (and reports errors).
  void for_each_string(const toml::node& n, std::string_view key,
                       const std::function<void(const toml::node&, const std::string&)>& each) {
    const toml::array* a = n.as_array();
    if (a == nullptr) {
      wrong_type(n, key, "an array of strings");
      return;
    }
    for (const toml::node& e : *a) {
      if (auto s = e.value_exact<std::string>()) {
        each(e, *s);
      } else {
        wrong_type(e, std::string(key) + " element", "a string");
      }
    }
  }
  std::vector<Bytes> hex_list(const toml::node& n, std::string_view key,
                              std::initializer_list<size_t> sizes) {
    std::vector<Bytes> out;
    for_each_string(n, key, [&](const toml::node& e, const std::string& s) {
      std::string_view text = s;
      if (text.starts_with("0x") || text.starts_with("0X")) text.remove_prefix(2);
      auto bytes = from_hex(text);
      if (!bytes) {
        error(e, std::string(key) + ": '" + s + "' is not hex");
        return;
      }
      if (std::find(sizes.begin(), sizes.end(), bytes->size()) == sizes.end()) {
        std::string expected;
        for (size_t sz : sizes) expected += (expected.empty() ? "" : " or ") + std::to_string(sz);
        error(e, std::string(key) + ": '" + s + "' is " + std::to_string(bytes->size()) +
                     " bytes, expected " + expected);
        return;
      }
      out.push_back(std::move(*bytes));
    });
    return out;
  }
  std::optional<VersionTriple> get_version(const toml::node& n, std::string_view key,
                                           bool allow_build) {
    auto s = get_string(n, key);
    if (!s) return std::nullopt;
    VersionTriple v;
    std::vector<uint32_t> parts;
    size_t pos = 0;
    bool ok = !s->empty();
    while (ok && pos <= s->size()) {
      size_t dot = s->find('.', pos);
      std::string part = s->substr(pos, dot == std::string::npos ? std::string::npos : dot - pos);
      ok = !part.empty() && part.size() <= 3 &&
           std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; });
      if (ok) parts.push_back(static_cast<uint32_t>(std::stoul(part)));
      if (dot == std::string::npos) break;
      pos = dot + 1;
    }
    const size_t max_parts = allow_build ? 3 : 2;
    if (!ok || parts.size() < 2 || parts.size() > max_parts ||
        std::any_of(parts.begin(), parts.end(), [](uint32_t x) { return x > 255; })) {
      error(n, std::string(key) + ": '" + *s + "' is not a version " +
                   (allow_build ? "\"MAJOR.MINOR\" or \"MAJOR.MINOR.BUILD\"" : "\"MAJOR.MINOR\"") +
                   " with parts 0..255");
      return std::nullopt;
    }
    v.major = parts[0];
    v.minor = parts[1];
    if (parts.size() == 3) v.build = parts[2];
    return v;
  }

  void parse_platforms(const toml::table& t, Policy& p) {
    check_keys(t, "platforms", {"allow", "allow_non_confidential", "allow_debug"});
    if (auto* n = t.get("allow_non_confidential"))
      p.allow_non_confidential = get_bool(*n, "platforms.allow_non_confidential").value_or(false);
    if (auto* n = t.get("allow_debug"))
      p.allow_debug = get_bool(*n, "platforms.allow_debug").value_or(false);
    if (auto* n = t.get("allow")) {
      std::set<Platform> allowed;
      for_each_string(*n, "platforms.allow", [&](const toml::node& e, const std::string& s) {
        static const std::map<std::string, Platform, std::less<>> kNames = {
            {"snp", Platform::SevSnp},
            {"sgx", Platform::Sgx},
            {"tdx", Platform::Tdx},
            {"kvm", Platform::Kvm},
            {"nil", Platform::Nil}};
        auto it = kNames.find(s);
        if (it == kNames.end()) {
          error(e, "platforms.allow: unknown platform '" + s +
                       "' (expected snp, sgx, tdx, kvm or nil)");
          return;
        }
        if ((it->second == Platform::Kvm || it->second == Platform::Nil) &&
            !p.allow_non_confidential) {
          error(e, "platforms.allow: '" + s +
                       "' keeps are not confidential (the host can read and modify their "
                       "memory); set allow_non_confidential = true in [platforms] to accept them");
          return;
        }
        allowed.insert(it->second);
      });
      p.allowed_platforms = std::move(allowed);
    }
  }

  void parse_cpu(const toml::table& t, Policy& p) {
    check_keys(t, "cpu", {"deny_products", "deny_fmspcs"});
    if (auto* n = t.get("deny_products")) {
      for_each_string(*n, "cpu.deny_products", [&](const toml::node& e, const std::string& s) {
        std::string generation = lower(s.substr(0, s.find('-')));
        if (generation != "milan" && generation != "genoa" && generation != "turin") {
          error(e, "cpu.deny_products: '" + s +
                       "' is not an AMD EPYC generation (Milan, Genoa, Turin) or a product "
                       "name starting with one (e.g. \"Milan-B0\")");
          return;
        }
        p.deny_products.push_back(s);
      });
    }
    if (auto* n = t.get("deny_fmspcs")) p.deny_fmspcs = hex_list(*n, "cpu.deny_fmspcs", {6});
  }

  void parse_tcb(const toml::table& t, Policy& p) {
    check_keys(t, "tcb", {"minimum", "intel_statuses", "deny_advisories"});
    if (auto* m = table_at(t, "minimum")) {
      for (auto&& [k, v] : *m) {
        std::string name(k.str());
        if (!is_tcb_component(name)) {
          errors_.push_back(where(k.source()) + ": tcb.minimum: unknown TCB component '" + name +
                            "' (SNP: bootloader, tee, snp, microcode, fmc; Intel: pcesvn, "
                            "sgx_comp_00..15, tdx_comp_00..15)");
          continue;
        }
        if (auto value = get_uint(v, "tcb.minimum." + name, 65535)) p.min_tcb[name] = *value;
      }
    }
    if (auto* n = t.get("intel_statuses")) {
      std::set<std::string> statuses;
      for_each_string(*n, "tcb.intel_statuses", [&](const toml::node& e, const std::string& s) {
        if (!intel_status_names().contains(s)) {
          error(e, "tcb.intel_statuses: '" + s +
                       "' is not an acceptable Intel TCB status (UpToDate, SWHardeningNeeded, "
                       "ConfigurationNeeded, ConfigurationAndSWHardeningNeeded, OutOfDate, "
                       "OutOfDateConfigurationNeeded; Revoked is never accepted)");
          return;
        }
        statuses.insert(s);
      });
      p.intel_statuses = std::move(statuses);
    }
    if (auto* n = t.get("deny_advisories")) {
      for_each_string(*n, "tcb.deny_advisories", [&](const toml::node& e, const std::string& s) {
        if (s.empty() || s.size() > 64) {
          error(e, "tcb.deny_advisories: advisory IDs are 1..64 characters, e.g. INTEL-SA-00615");
          return;
        }
        std::string upper(s);
        for (auto& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        p.deny_advisories.insert(upper);
      });
    }
  }

  void parse_measurements(const toml::table& t, Policy& p) {
    for (auto&& [k, v] : t) {
      std::string name(k.str());
      auto it = measurement_sizes().find(name);
      if (it == measurement_sizes().end()) {
        std::string known;
        for (const auto& [n, _] : measurement_sizes()) known += " " + n;
        errors_.push_back(where(k.source()) + ": unknown measurement '" + name +
                          "' in [measurements] (expected one of:" + known + ")");
        continue;
      }
      auto list = hex_list(v, "measurements." + name, {it->second});
      if (list.empty() && v.is_array() && v.as_array()->empty())
        error(v, "measurements." + name +
                     ": an empty allow-list would reject everything; "
                     "remove the key instead");
      p.allowed_measurements[name] = std::move(list);
    }
  }

  void parse_signers(const toml::table& t, Policy& p) {
    check_keys(t, "signers", {"allow"});
    if (auto* n = t.get("allow")) {
      p.allowed_signers = hex_list(*n, "signers.allow", {32, 48});
      if (n->is_array() && n->as_array()->empty())
        error(*n,
              "signers.allow: an empty allow-list would reject everything; remove the key "
              "instead");
    }
  }

  void parse_snp(const toml::table& t, Policy& p) {
    check_keys(t, "snp",
               {"max_vmpl", "vmpl", "require_no_migration_agent", "require_no_debug", "allow_smt",
                "min_firmware", "min_abi"});
    if (auto* n = t.get("max_vmpl"))
      if (auto v = get_uint(*n, "snp.max_vmpl", 3)) p.snp_max_vmpl = static_cast<uint32_t>(*v);
    if (auto* n = t.get("vmpl"))
      if (auto v = get_uint(*n, "snp.vmpl", 3)) p.snp_vmpl = static_cast<uint32_t>(*v);
    if (auto* n = t.get("require_no_migration_agent"))
      p.snp_require_no_migration_agent =
          get_bool(*n, "snp.require_no_migration_agent").value_or(false);
    if (auto* n = t.get("require_no_debug"))
      p.snp_require_no_debug = get_bool(*n, "snp.require_no_debug").value_or(false);
    if (auto* n = t.get("allow_smt")) p.snp_allow_smt = get_bool(*n, "snp.allow_smt");
    if (auto* n = t.get("min_firmware"))
      p.snp_min_firmware = get_version(*n, "snp.min_firmware", true);
    if (auto* n = t.get("min_abi")) p.snp_min_abi = get_version(*n, "snp.min_abi", false);
  }

  void parse_freshness(const toml::table& t, Policy& p) {
    check_keys(t, "freshness", {"max_age_seconds"});
    if (auto* n = t.get("max_age_seconds")) {
      if (auto v = get_uint(*n, "freshness.max_age_seconds", int64_t{10} * 365 * 24 * 3600)) {
        if (*v == 0)
          error(*n, "freshness.max_age_seconds: must be at least 1");
        else
          p.max_evidence_age = std::chrono::seconds(*v);
      }
    }
  }

  std::string source_;
  std::vector<std::string> errors_;
};

}  // namespace

Result<Policy> parse_policy(std::string_view toml_text, std::string_view source_name) {
  CLOISTER_TRY_ASSIGN(toml::table root, parse_toml(toml_text, source_name));
  Policy p;
  PolicyParser parser(source_name);
  parser.parse(root, p);
  if (!parser.errors().empty()) {
    std::string msg;
    for (const auto& e : parser.errors()) msg += (msg.empty() ? "" : "\n") + e;
    return Unexpected(Error(std::move(msg)));
  }
  return p;
}

Result<Policy> load_policy(const std::string& path) {
  auto text = read_text_file(path, size_t{1} << 20);
  if (!text) return Unexpected(text.error().with_context("policy"));
  return parse_policy(*text, path);
}

}  // namespace cloister::attest
