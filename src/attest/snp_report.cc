// SPDX-License-Identifier: Apache-2.0
//
// Decoding of the SEV-SNP ATTESTATION_REPORT (AMD #56860, "ATTESTATION_REPORT
// Structure"; version 2 from ABI 1.51, 3 from 1.55 with the CPUID fields, 5
// from 1.58 with the mitigation vectors). Every field is read through a
// bounds-checked ByteReader at its documented offset.
#include <algorithm>
#include <cstdio>

#include "attest/snp.h"
#include "base/byte_reader.h"

namespace cloister::attest::snp {
namespace {

bool all_zero(std::span<const uint8_t> bytes) {
  return std::all_of(bytes.begin(), bytes.end(), [](uint8_t b) { return b == 0; });
}

template <size_t N>
bool read_array(ByteReader& r, std::array<uint8_t, N>* out) {
  return r.copy_bytes(out->data(), N);
}

// Reads a reserved range and notes (when asked) that it is not zero: such a
// report comes from a newer ABI or was altered, either of which an auditor
// wants to know; the signature check decides whether it is genuine.
bool skip_reserved(ByteReader& r, size_t n, std::vector<std::string>* notes) {
  size_t at = r.offset();
  std::span<const uint8_t> bytes;
  if (!r.read_bytes(n, &bytes)) return false;
  if (notes != nullptr && !all_zero(bytes)) {
    char buf[96];
    std::snprintf(buf, sizeof(buf), "reserved bytes 0x%03zx-0x%03zx are not zero", at, at + n - 1);
    notes->push_back(buf);
  }
  return true;
}

}  // namespace

std::string_view to_string(Product p) {
  switch (p) {
    case Product::Milan:
      return "Milan";
    case Product::Genoa:
      return "Genoa";
    case Product::Turin:
      return "Turin";
    case Product::Unknown:
      break;
  }
  return "";
}

Product product_from_name(std::string_view name) {
  std::string_view base = name.substr(0, name.find('-'));
  if (base == "Milan") return Product::Milan;
  if (base == "Genoa") return Product::Genoa;
  if (base == "Turin") return Product::Turin;
  return Product::Unknown;
}

Product product_from_cpuid(uint8_t family, uint8_t model) {
  // Family 19h is Zen 3/Zen 4: models 00h-0Fh are Milan, 10h-1Fh Genoa and
  // A0h-AFh the Genoa-derived Bergamo/Siena parts (they use Genoa's keys).
  // Family 1Ah models 00h-11h are Turin (Zen 5).
  if (family == 0x19) {
    if (model <= 0x0f) return Product::Milan;
    if ((model >= 0x10 && model <= 0x1f) || (model >= 0xa0 && model <= 0xaf)) return Product::Genoa;
  }
  if (family == 0x1a && model <= 0x11) return Product::Turin;
  return Product::Unknown;
}

TcbComponents decode_tcb(const TcbVersion& tcb, Product product) {
  TcbComponents c;
  if (product == Product::Turin) {
    c.fmc = tcb[0];
    c.bootloader = tcb[1];
    c.tee = tcb[2];
    c.snp = tcb[3];
  } else {
    c.bootloader = tcb[0];
    c.tee = tcb[1];
    c.snp = tcb[6];
  }
  c.microcode = tcb[7];
  return c;
}

std::vector<std::string> policy_flag_names(uint64_t policy) {
  // Guest policy bits 16 and up (AMD #56860, "Guest Policy Structure").
  // Bit 17 is reserved and must be one.
  static constexpr const char* kNames[] = {"SMT",
                                           "RESERVED_1",
                                           "MIGRATE_MA",
                                           "DEBUG",
                                           "SINGLE_SOCKET",
                                           "CXL_ALLOW",
                                           "MEM_AES_256_XTS",
                                           "RAPL_DIS",
                                           "CIPHERTEXT_HIDING",
                                           "PAGE_SWAP_DISABLE"};
  std::vector<std::string> out;
  for (unsigned bit = 16; bit < 64; ++bit) {
    if ((policy >> bit & 1) == 0) continue;
    size_t i = bit - 16;
    out.push_back(i < std::size(kNames) ? kNames[i] : "BIT_" + std::to_string(bit));
  }
  return out;
}

Product report_product(const Report& r) {
  if (!r.cpuid_fam_id || !r.cpuid_mod_id) return Product::Unknown;
  return product_from_cpuid(*r.cpuid_fam_id, *r.cpuid_mod_id);
}

Result<Report> parse_report(std::span<const uint8_t> bytes, std::vector<std::string>* notes) {
  if (bytes.size() < kReportSize)
    return fail("SEV-SNP report: ", bytes.size(), " bytes, but an ATTESTATION_REPORT is ",
                kReportSize);
  ByteReader r(bytes.first(kReportSize));
  Report rep;
  if (!r.read_u32le(&rep.version)) return fail("SEV-SNP report: cannot read VERSION");
  if (rep.version != 2 && rep.version != 3 && rep.version != 5)
    return fail("SEV-SNP report: unsupported VERSION ", rep.version,
                " at 0x000 (supported: 2, 3 and 5)");
  const bool has_cpuid = rep.version >= 3;
  const bool has_mit_vectors = rep.version >= 5;

  // The report is a fixed-size buffer, so none of these reads can fail; they
  // are still checked, as every read of untrusted bytes is.
  bool ok = r.read_u32le(&rep.guest_svn) && r.read_u64le(&rep.policy) &&
            read_array(r, &rep.family_id) && read_array(r, &rep.image_id) &&
            r.read_u32le(&rep.vmpl) && r.read_u32le(&rep.signature_algo) &&
            read_array(r, &rep.current_tcb) && r.read_u64le(&rep.platform_info) &&
            r.read_u32le(&rep.key_info) && skip_reserved(r, 4, notes) &&
            read_array(r, &rep.report_data) && read_array(r, &rep.measurement) &&
            read_array(r, &rep.host_data) && read_array(r, &rep.id_key_digest) &&
            read_array(r, &rep.author_key_digest) && read_array(r, &rep.report_id) &&
            read_array(r, &rep.report_id_ma) && read_array(r, &rep.reported_tcb);
  if (ok && has_cpuid) {
    uint8_t fam = 0, mod = 0, step = 0;
    ok = r.read_u8(&fam) && r.read_u8(&mod) && r.read_u8(&step) && skip_reserved(r, 0x15, notes);
    rep.cpuid_fam_id = fam;
    rep.cpuid_mod_id = mod;
    rep.cpuid_step = step;
  } else if (ok) {
    ok = skip_reserved(r, 0x18, notes);
  }
  ok = ok && read_array(r, &rep.chip_id) && read_array(r, &rep.committed_tcb) &&
       r.read_u8(&rep.current_build) && r.read_u8(&rep.current_minor) &&
       r.read_u8(&rep.current_major) && skip_reserved(r, 1, notes) &&
       r.read_u8(&rep.committed_build) && r.read_u8(&rep.committed_minor) &&
       r.read_u8(&rep.committed_major) && skip_reserved(r, 1, notes) &&
       read_array(r, &rep.launch_tcb);
  if (ok && has_mit_vectors) {
    uint64_t launch = 0, current = 0;
    ok = r.read_u64le(&launch) && r.read_u64le(&current) && skip_reserved(r, 0x98, notes);
    rep.launch_mit_vector = launch;
    rep.current_mit_vector = current;
  } else if (ok) {
    ok = skip_reserved(r, 0xa8, notes);
  }
  ok = ok && r.offset() == kSignatureOffset && read_array(r, &rep.signature_r) &&
       read_array(r, &rep.signature_s) && skip_reserved(r, 0x170, notes) && r.empty();
  if (!ok) return fail("SEV-SNP report: internal layout error at offset ", r.offset());

  rep.author_key_en = (rep.key_info & 1) != 0;
  rep.mask_chip_key = (rep.key_info >> 1 & 1) != 0;
  rep.signing_key = static_cast<uint8_t>(rep.key_info >> 2 & 7);
  if (notes != nullptr && (rep.key_info >> 5) != 0)
    notes->push_back("reserved bits 5-31 of KEY_INFO (0x048) are not zero");
  if (notes != nullptr && bytes.size() > kReportSize)
    notes->push_back(std::to_string(bytes.size() - kReportSize) +
                     " trailing bytes after the 1184-byte report ignored");
  return rep;
}

}  // namespace cloister::attest::snp
