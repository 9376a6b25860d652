// SPDX-License-Identifier: Apache-2.0
#include "attest/snp_cert.h"

#include "attest/x509.h"
#include "base/byte_reader.h"
#include "base/hex.h"
#include "base/time.h"

namespace cloister::attest::snp {
namespace {

constexpr uint8_t kTagInteger = 0x02;
constexpr uint8_t kTagOctetString = 0x04;
constexpr uint8_t kTagUtf8String = 0x0c;
constexpr uint8_t kTagPrintableString = 0x13;
constexpr uint8_t kTagIa5String = 0x16;

// The extension's value must be exactly one DER element with tag `tag`.
Result<std::span<const uint8_t>> single_element(std::span<const uint8_t> value, uint8_t tag,
                                                std::string_view oid) {
  ByteReader r(value);
  x509::DerTlv tlv;
  if (!x509::read_der_tlv(r, &tlv) || !r.empty())
    return fail("extension ", oid, " is not a single DER element");
  if (tlv.tag != tag)
    return fail("extension ", oid, " has tag 0x", to_hex(std::span(&tlv.tag, 1)), ", expected 0x",
                to_hex(std::span(&tag, 1)));
  return tlv.value;
}

// A non-negative DER INTEGER that fits in 32 bits.
Result<std::optional<uint32_t>> integer_ext(const X509* cert, std::string_view oid) {
  CLOISTER_TRY_ASSIGN(std::optional<Bytes> value, x509::extension_value(cert, oid));
  if (!value) return std::optional<uint32_t>();
  CLOISTER_TRY_ASSIGN(std::span<const uint8_t> content, single_element(*value, kTagInteger, oid));
  if (content.empty() || (content[0] & 0x80) != 0)
    return fail("extension ", oid, " is not a non-negative INTEGER");
  while (content.size() > 1 && content[0] == 0) content = content.subspan(1);
  if (content.size() > 4) return fail("extension ", oid, " is larger than 32 bits");
  uint32_t v = 0;
  for (uint8_t b : content) v = v << 8 | b;
  return std::optional<uint32_t>(v);
}

Result<std::string> string_ext(const X509* cert, std::string_view oid) {
  CLOISTER_TRY_ASSIGN(std::optional<Bytes> value, x509::extension_value(cert, oid));
  if (!value) return std::string();
  ByteReader r(*value);
  x509::DerTlv tlv;
  if (!x509::read_der_tlv(r, &tlv) || !r.empty())
    return fail("extension ", oid, " is not a single DER element");
  if (tlv.tag != kTagIa5String && tlv.tag != kTagUtf8String && tlv.tag != kTagPrintableString)
    return fail("extension ", oid, " is not a string");
  // AMD's names are ASCII; anything else is not a genuine certificate.
  for (uint8_t b : tlv.value)
    if (b < 0x20 || b > 0x7e) return fail("extension ", oid, " holds non-printable byte ", b);
  return std::string(tlv.value.begin(), tlv.value.end());
}

// hwID: KDS serves the raw 64 (Milan, Genoa) or 8 (Turin) bytes as the
// extension value; an OCTET STRING wrapping those bytes is accepted too. The
// two cannot be confused: a wrapped value is 2 bytes longer than any raw one.
Result<Bytes> hwid_ext(const X509* cert, std::string_view oid) {
  CLOISTER_TRY_ASSIGN(std::optional<Bytes> value, x509::extension_value(cert, oid));
  if (!value) return Bytes();
  const Bytes& v = *value;
  if ((v.size() == 66 && v[0] == kTagOctetString && v[1] == 64) ||
      (v.size() == 10 && v[0] == kTagOctetString && v[1] == 8))
    return Bytes(v.begin() + 2, v.end());
  if (v.size() == 64 || v.size() == 8) return v;
  return fail("extension ", oid, " (hwID) has ", v.size(), " bytes; expected 64 or 8");
}

}  // namespace

Result<EndorsementKeyInfo> parse_endorsement_key_cert(const X509* cert) {
  EndorsementKeyInfo info;
  info.subject_cn = x509::subject_cn(cert);
  CLOISTER_TRY_ASSIGN(info.struct_version, integer_ext(cert, "1.3.6.1.4.1.3704.1.1"));
  CLOISTER_TRY_ASSIGN(info.product_name, string_ext(cert, "1.3.6.1.4.1.3704.1.2"));
  CLOISTER_TRY_ASSIGN(info.bl, integer_ext(cert, "1.3.6.1.4.1.3704.1.3.1"));
  CLOISTER_TRY_ASSIGN(info.tee, integer_ext(cert, "1.3.6.1.4.1.3704.1.3.2"));
  CLOISTER_TRY_ASSIGN(info.snp, integer_ext(cert, "1.3.6.1.4.1.3704.1.3.3"));
  CLOISTER_TRY_ASSIGN(info.spl_4, integer_ext(cert, "1.3.6.1.4.1.3704.1.3.4"));
  CLOISTER_TRY_ASSIGN(info.spl_5, integer_ext(cert, "1.3.6.1.4.1.3704.1.3.5"));
  CLOISTER_TRY_ASSIGN(info.spl_6, integer_ext(cert, "1.3.6.1.4.1.3704.1.3.6"));
  CLOISTER_TRY_ASSIGN(info.spl_7, integer_ext(cert, "1.3.6.1.4.1.3704.1.3.7"));
  CLOISTER_TRY_ASSIGN(info.ucode, integer_ext(cert, "1.3.6.1.4.1.3704.1.3.8"));
  CLOISTER_TRY_ASSIGN(info.fmc, integer_ext(cert, "1.3.6.1.4.1.3704.1.3.9"));
  CLOISTER_TRY_ASSIGN(info.hwid, hwid_ext(cert, "1.3.6.1.4.1.3704.1.4"));
  CLOISTER_TRY_ASSIGN(info.csp_id, string_ext(cert, "1.3.6.1.4.1.3704.1.5"));
  CLOISTER_TRY_ASSIGN(x509::Validity validity, x509::cert_validity(cert));
  info.not_before = validity.not_before;
  info.not_after = validity.not_after;
  return info;
}

nlohmann::json endorsement_key_json(const EndorsementKeyInfo& info) {
  nlohmann::json ext = nlohmann::json::object();
  if (!info.product_name.empty()) ext["productName"] = info.product_name;
  if (info.bl) ext["bl"] = *info.bl;
  if (info.tee) ext["tee"] = *info.tee;
  if (info.snp) ext["snp"] = *info.snp;
  if (info.ucode) ext["ucode"] = *info.ucode;
  if (info.fmc) ext["fmc"] = *info.fmc;
  if (!info.hwid.empty()) ext["hwid"] = to_hex(info.hwid);
  if (!info.csp_id.empty()) ext["cspId"] = info.csp_id;
  return {{"subject_cn", info.subject_cn},
          {"validity", format_rfc3339(info.not_before) + ".." + format_rfc3339(info.not_after)},
          {"extensions", std::move(ext)}};
}

}  // namespace cloister::attest::snp
