// SPDX-License-Identifier: Apache-2.0
#include "cli/attest_render.h"

#include <algorithm>
#include <iomanip>

#include "base/hex.h"
#include "base/time.h"

namespace cloister::cli {

namespace {

constexpr size_t kHexPerLine = 64;  // 32 bytes
constexpr size_t kHexGroup = 8;     // 4 bytes
constexpr size_t kMaxWidth = 100;   // columns
constexpr int kLabelWidth = 22;

bool looks_like_hex(const std::string& s) {
  return s.size() >= 16 && s.size() % 2 == 0 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

bool all_zero_hex(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == '0'; });
}

std::string pad(int n) {
  return std::string(static_cast<size_t>(std::max(n, 0)), ' ');
}

// Hex as lines of 32 bytes in 4-byte groups; continuation lines are indented
// to `column`. An all-zero value is shown as such (common for unused fields).
void write_hex(std::ostream& out, const std::string& hex, int column) {
  if (all_zero_hex(hex)) {
    out << "(" << hex.size() / 2 << " zero bytes)\n";
    return;
  }
  // 32 bytes a line, or 16/8 when a long label leaves less room.
  size_t per_line = kHexPerLine;
  while (per_line > kHexGroup &&
         static_cast<size_t>(column) + per_line + per_line / kHexGroup - 1 > kMaxWidth)
    per_line /= 2;
  for (size_t line = 0; line < hex.size(); line += per_line) {
    if (line != 0) out << pad(column);
    for (size_t g = line; g < std::min(hex.size(), line + per_line); g += kHexGroup) {
      if (g != line) out << ' ';
      out << hex.substr(g, kHexGroup);
    }
    out << '\n';
  }
  if (hex.size() > per_line) out << pad(column) << "(" << hex.size() / 2 << " bytes)\n";
}

void write_label(std::ostream& out, int indent, const std::string& label) {
  out << pad(indent) << label << ':';
  const int used = indent + static_cast<int>(label.size()) + 1;
  out << pad(std::max(1, indent + kLabelWidth - used + 1));
}

int value_column(int indent, const std::string& label) {
  const int used = indent + static_cast<int>(label.size()) + 1;
  return used + std::max(1, indent + kLabelWidth - used + 1);
}

bool is_scalar_array(const nlohmann::json& v) {
  return v.is_array() &&
         std::all_of(v.begin(), v.end(), [](const nlohmann::json& e) { return e.is_primitive(); });
}

std::string scalar_text(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "(none)";
  return v.dump();
}

void write_field(std::ostream& out, int indent, const std::string& label, const nlohmann::json& v) {
  if (v.is_object()) {
    out << pad(indent) << label << ":";
    if (v.empty()) {
      out << " (none)\n";
      return;
    }
    out << '\n';
    render_json_fields(out, v, indent + 2);
    return;
  }
  if (v.is_array() && !is_scalar_array(v)) {
    out << pad(indent) << label << ":\n";
    for (size_t i = 0; i < v.size(); ++i)
      write_field(out, indent + 2, "[" + std::to_string(i) + "]", v[i]);
    return;
  }
  write_label(out, indent, label);
  if (v.is_array()) {
    if (v.empty()) {
      out << "(none)\n";
      return;
    }
    // Comma-separated, wrapped so that no line passes kMaxWidth.
    const int column = value_column(indent, label);
    size_t width = static_cast<size_t>(column);
    bool first = true;
    for (const auto& e : v) {
      const std::string item = scalar_text(e);
      if (!first && width + item.size() + 2 > kMaxWidth) {
        out << ",\n" << pad(column);
        width = static_cast<size_t>(column);
      } else if (!first) {
        out << ", ";
        width += 2;
      }
      out << item;
      width += item.size();
      first = false;
    }
    out << '\n';
    return;
  }
  const std::string text = scalar_text(v);
  if (v.is_string() && looks_like_hex(text)) {
    write_hex(out, text, value_column(indent, label));
  } else {
    out << text << '\n';
  }
}

void section(std::ostream& out, const std::string& title) {
  out << '\n' << title << '\n';
}

std::string platform_title(attest::Platform p) {
  switch (p) {
    case attest::Platform::SevSnp:
      return "AMD SEV-SNP";
    case attest::Platform::Sgx:
      return "Intel SGX";
    case attest::Platform::Tdx:
      return "Intel TDX";
    case attest::Platform::Kvm:
      return "KVM (software evidence signed by the host)";
    case attest::Platform::Nil:
      return "nil (plain process)";
  }
  return "unknown";
}

}  // namespace

void render_json_fields(std::ostream& out, const nlohmann::json& value, int indent) {
  if (!value.is_object()) {
    write_field(out, indent, "value", value);
    return;
  }
  for (const auto& [k, v] : value.items()) write_field(out, indent, k, v);
}

void render_claims(std::ostream& out, const attest::Claims& c) {
  const nlohmann::json j = attest::claims_to_json(c);
  section(out, "Platform");
  write_field(out, 2, "platform",
              platform_title(c.platform) + " (" + std::string(attest::to_string(c.platform)) + ")");
  write_field(out, 2, "confidential", c.confidential ? "yes" : "NO");
  write_field(out, 2, "debug", c.debug ? "YES (the host can inspect the guest)" : "no");
  for (const auto& l : j["labels"]) write_field(out, 2, "label", l);
  write_field(out, 2, "signing key", c.signing_key.empty() ? "(unknown)" : c.signing_key);
  if (c.evidence_time) write_field(out, 2, "evidence time", format_rfc3339(*c.evidence_time));

  section(out, "Measurements");
  if (c.measurements.empty()) out << "  (none)\n";
  for (const auto& [name, value] : c.measurements) write_field(out, 2, name, to_hex(value));
  write_field(
      out, 2, "report data",
      c.report_data.empty() ? nlohmann::json(nullptr) : nlohmann::json(to_hex(c.report_data)));
  if (!c.host_data.empty()) write_field(out, 2, "host data", to_hex(c.host_data));

  section(out, "TCB");
  if (c.tcb.empty()) out << "  (no TCB components)\n";
  for (const auto& [name, value] : c.tcb) write_field(out, 2, name, value);
  if (!c.tcb_status.empty()) write_field(out, 2, "status", c.tcb_status);
  if (!c.advisories.empty()) write_field(out, 2, "advisories", c.advisories);
  if (c.vmpl) write_field(out, 2, "vmpl", *c.vmpl);
  if (c.firmware_major && c.firmware_minor)
    write_field(
        out, 2, "firmware",
        std::to_string(*c.firmware_major) + "." + std::to_string(*c.firmware_minor) +
            (c.firmware_build ? " build " + std::to_string(*c.firmware_build) : std::string()));

  section(out, "CPU");
  write_field(out, 2, "vendor", c.cpu.vendor.empty() ? "(unknown)" : c.cpu.vendor);
  if (!c.cpu.product.empty()) write_field(out, 2, "product", c.cpu.product);
  if (!c.cpu.product_name.empty()) write_field(out, 2, "product name", c.cpu.product_name);
  if (c.cpu.family) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "family 0x%02x, model 0x%02x, stepping 0x%x", *c.cpu.family,
                  c.cpu.model.value_or(0), c.cpu.stepping.value_or(0));
    write_field(out, 2, "cpuid", std::string(buf));
  }
  if (!c.cpu.fmspc.empty()) write_field(out, 2, "fmspc", to_hex(c.cpu.fmspc));
  if (!c.chip_id.empty()) write_field(out, 2, "chip id", to_hex(c.chip_id));

  if (!c.collateral.empty()) {
    section(out, "Validity of certificates and collateral");
    for (const auto& d : c.collateral)
      write_field(out, 2, d.name,
                  format_rfc3339(d.not_before) + " .. " + format_rfc3339(d.not_after));
  }

  section(out, "All fields (" + std::string(attest::to_string(c.platform)) +
                   "; names as in docs/attestation.md)");
  if (c.details.empty()) out << "  (none)\n";
  render_json_fields(out, c.details, 2);
}

}  // namespace cloister::cli
