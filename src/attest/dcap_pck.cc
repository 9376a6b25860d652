// SPDX-License-Identifier: Apache-2.0
#include "attest/dcap_pck.h"

#include <cstring>
#include <string>

#include "attest/x509.h"
#include "base/byte_reader.h"

namespace cloister::attest::dcap {
namespace {

constexpr uint8_t kTagInteger = 0x02;
constexpr uint8_t kTagOctetString = 0x04;
constexpr uint8_t kTagOid = 0x06;
constexpr uint8_t kTagEnumerated = 0x0a;
constexpr uint8_t kTagSequence = 0x30;

// A non-negative DER INTEGER that fits in `max`.
bool der_uint(std::span<const uint8_t> v, uint32_t max, uint32_t* out) {
  if (v.empty() || (v[0] & 0x80)) return false;
  if (v.size() > 1 && v[0] == 0 && !(v[1] & 0x80)) return false;  // not minimal
  uint64_t x = 0;
  for (uint8_t b : v) {
    x = (x << 8) | b;
    if (x > max) return false;
  }
  *out = static_cast<uint32_t>(x);
  return true;
}

template <size_t N>
Result<void> octets(const x509::DerTlv& v, const std::string& what, std::array<uint8_t, N>* out) {
  if (v.tag != kTagOctetString || v.value.size() != N)
    return fail("SGX extension ", what, ": expected a ", N, "-byte OCTET STRING");
  std::memcpy(out->data(), v.value.data(), N);
  return ok();
}

// Reads SEQUENCE { OID, value } and returns the OID text and the value TLV.
Result<std::pair<std::string, x509::DerTlv>> read_pair(ByteReader& r, const char* where) {
  x509::DerTlv seq, oid, value;
  if (!x509::read_der_tlv(r, &seq) || seq.tag != kTagSequence)
    return fail(where, ": expected SEQUENCE { OID, value } at offset ", r.offset());
  ByteReader inner(seq.value);
  if (!x509::read_der_tlv(inner, &oid) || oid.tag != kTagOid)
    return fail(where, ": expected an OID");
  auto text = x509::der_oid_to_text(oid.value);
  if (!text) return fail(where, ": malformed OID");
  if (!x509::read_der_tlv(inner, &value) || !inner.empty())
    return fail(where, ": ", *text, " must have exactly one value");
  return std::make_pair(std::move(*text), value);
}

Result<void> parse_tcb(const x509::DerTlv& tcb, PckExtensions* out) {
  if (tcb.tag != kTagSequence) return fail("SGX extension TCB: expected a SEQUENCE");
  const std::string prefix = std::string(kSgxExtensionsOid) + ".2.";
  uint32_t seen = 0;  // bit i-1 for component i, bit 16 PCESVN, bit 17 CPUSVN
  ByteReader r(tcb.value);
  while (!r.empty()) {
    CLOISTER_TRY_ASSIGN(auto pair, read_pair(r, "SGX extension TCB"));
    auto& [oid, value] = pair;
    if (oid.rfind(prefix, 0) != 0) continue;  // unknown members are allowed
    const std::string idx_text = oid.substr(prefix.size());
    if (idx_text.empty() || idx_text.size() > 2 ||
        idx_text.find_first_not_of("0123456789") != std::string::npos)
      continue;
    const int idx = std::stoi(idx_text);
    if (idx < 1 || idx > 18) continue;
    if (seen & (1u << (idx - 1))) return fail("SGX extension TCB: ", oid, " appears twice");
    seen |= 1u << (idx - 1);
    if (idx <= 16) {
      uint32_t svn = 0;
      if (value.tag != kTagInteger || !der_uint(value.value, 255, &svn))
        return fail("SGX extension TCB: component ", idx, " is not an INTEGER 0..255");
      out->sgx_tcb_comp_svn[static_cast<size_t>(idx - 1)] = static_cast<uint8_t>(svn);
    } else if (idx == 17) {
      uint32_t svn = 0;
      if (value.tag != kTagInteger || !der_uint(value.value, 65535, &svn))
        return fail("SGX extension TCB: PCESVN is not an INTEGER 0..65535");
      out->pcesvn = static_cast<uint16_t>(svn);
    } else {
      CLOISTER_TRY(octets(value, "CPUSVN", &out->cpusvn));
    }
  }
  if (seen != (1u << 18) - 1) return fail("SGX extension TCB: components missing");
  return ok();
}

}  // namespace

Result<PckExtensions> parse_sgx_extensions(std::span<const uint8_t> der) {
  ByteReader outer(der);
  x509::DerTlv top;
  if (!x509::read_der_tlv(outer, &top) || top.tag != kTagSequence || !outer.empty())
    return fail("SGX extensions: expected one SEQUENCE");
  PckExtensions out;
  bool have_tcb = false, have_pce = false, have_fmspc = false;
  const std::string base = kSgxExtensionsOid;
  ByteReader r(top.value);
  while (!r.empty()) {
    CLOISTER_TRY_ASSIGN(auto pair, read_pair(r, "SGX extensions"));
    auto& [oid, value] = pair;
    if (oid == base + ".1") {
      CLOISTER_TRY(octets(value, "PPID", &out.ppid));
    } else if (oid == base + ".2") {
      if (have_tcb) return fail("SGX extensions: TCB appears twice");
      CLOISTER_TRY(parse_tcb(value, &out));
      have_tcb = true;
    } else if (oid == base + ".3") {
      if (have_pce) return fail("SGX extensions: PCE-ID appears twice");
      CLOISTER_TRY(octets(value, "PCE-ID", &out.pce_id));
      have_pce = true;
    } else if (oid == base + ".4") {
      if (have_fmspc) return fail("SGX extensions: FMSPC appears twice");
      CLOISTER_TRY(octets(value, "FMSPC", &out.fmspc));
      have_fmspc = true;
    } else if (oid == base + ".5" && value.tag != kTagEnumerated) {
      return fail("SGX extensions: SGX type is not ENUMERATED");
    }
    // Platform instance ID and configuration (.6, .7) are not needed here.
  }
  if (!have_tcb) return fail("SGX extensions: no TCB");
  if (!have_pce) return fail("SGX extensions: no PCE-ID");
  if (!have_fmspc) return fail("SGX extensions: no FMSPC");
  return out;
}

Result<PckExtensions> pck_extensions(const X509* pck) {
  CLOISTER_TRY_ASSIGN(auto value, x509::extension_value(pck, kSgxExtensionsOid));
  if (!value) return fail("PCK certificate has no SGX extensions (", kSgxExtensionsOid, ")");
  auto parsed = parse_sgx_extensions(*value);
  if (!parsed) return Unexpected(parsed.error().with_context("PCK certificate"));
  return parsed;
}

}  // namespace cloister::attest::dcap
