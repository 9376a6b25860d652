// SPDX-License-Identifier: Apache-2.0
//
// Decoding of DCAP quotes v3 (SGX), v4 and v5 (TDX, also SGX in v4/v5) with
// bounds-checked cursors. Layout (all little-endian):
//   header (48) | [v5: body type u16, body size u32] | body | sig data len u32 | sig data
//   sig data = signature (64) | attestation key (64) | v3: QE report (384) | QE report
//              signature (64) | QE auth data (u16 len + data) | cert data (u16 type, u32 len, data)
//              v4/v5: cert data type 6 whose data is the same QE report block ending in
//              cert data type 5 (the PEM PCK chain).
#include <cstring>
#include <string>

#include "attest/dcap.h"
#include "base/byte_reader.h"

namespace cloister::attest::dcap {
namespace {

template <size_t N>
bool read_array(ByteReader& r, std::array<uint8_t, N>* out) {
  return r.copy_bytes(out->data(), N);
}

Result<SgxReportBody> parse_sgx_report_body(ByteReader r, const char* what) {
  SgxReportBody b;
  auto bad = [&] { return fail(what, ": truncated report body at offset ", r.offset()); };
  if (!read_array(r, &b.cpu_svn) || !r.read_u32le(&b.misc_select) || !r.skip(12) ||
      !read_array(r, &b.isv_ext_prod_id) || !read_array(r, &b.attributes) ||
      !read_array(r, &b.mr_enclave) || !r.skip(32) || !read_array(r, &b.mr_signer) || !r.skip(32) ||
      !read_array(r, &b.config_id) || !r.read_u16le(&b.isv_prod_id) || !r.read_u16le(&b.isv_svn) ||
      !r.read_u16le(&b.config_svn) || !r.skip(42) || !read_array(r, &b.isv_family_id) ||
      !read_array(r, &b.report_data))
    return bad();
  return b;
}

Result<TdxReportBody> parse_tdx_report_body(ByteReader r, bool tdx15) {
  TdxReportBody b;
  if (!read_array(r, &b.tee_tcb_svn) || !read_array(r, &b.mr_seam) ||
      !read_array(r, &b.mr_signer_seam) || !read_array(r, &b.seam_attributes) ||
      !read_array(r, &b.td_attributes) || !read_array(r, &b.xfam) || !read_array(r, &b.mr_td) ||
      !read_array(r, &b.mr_config_id) || !read_array(r, &b.mr_owner) ||
      !read_array(r, &b.mr_owner_config) || !read_array(r, &b.rtmr[0]) ||
      !read_array(r, &b.rtmr[1]) || !read_array(r, &b.rtmr[2]) || !read_array(r, &b.rtmr[3]) ||
      !read_array(r, &b.report_data))
    return fail("TDX report body: truncated at offset ", r.offset());
  b.tdx15 = tdx15;
  if (tdx15 && (!read_array(r, &b.tee_tcb_svn2) || !read_array(r, &b.mr_servicetd)))
    return fail("TDX 1.5 report body: truncated at offset ", r.offset());
  return b;
}

// The QE report certification data: QE report, its signature, QE auth data,
// then the nested certification data (type and bytes).
Result<void> parse_qe_report_block(ByteReader& r, Quote* q) {
  std::span<const uint8_t> qe_report, auth;
  uint16_t auth_len = 0, cert_type = 0;
  uint32_t cert_len = 0;
  ByteReader qe_reader;
  if (!r.read_sub(kSgxReportBodySize, &qe_reader))
    return fail("QE report: truncated at offset ", r.offset());
  qe_report = qe_reader.rest();
  CLOISTER_TRY_ASSIGN(q->qe_report, parse_sgx_report_body(qe_reader, "QE report"));
  q->qe_report_raw.assign(qe_report.begin(), qe_report.end());
  if (!read_array(r, &q->qe_report_signature))
    return fail("QE report signature: truncated at offset ", r.offset());
  if (!r.read_u16le(&auth_len)) return fail("QE auth data size: truncated at offset ", r.offset());
  if (!r.read_bytes(auth_len, &auth))
    return fail("QE auth data: ", auth_len, " bytes declared at offset ", r.offset(), ", only ",
                r.remaining(), " present");
  q->qe_auth_data.assign(auth.begin(), auth.end());
  if (!r.read_u16le(&cert_type) || !r.read_u32le(&cert_len))
    return fail("certification data header: truncated at offset ", r.offset());
  std::span<const uint8_t> cert;
  if (!r.read_bytes(cert_len, &cert))
    return fail("certification data (type ", cert_type, "): ", cert_len,
                " bytes declared at offset ", r.offset(), ", only ", r.remaining(), " present");
  q->cert_data_type = cert_type;
  q->cert_data.assign(cert.begin(), cert.end());
  return ok();
}

Result<void> parse_signature_data(ByteReader r, Quote* q) {
  if (!read_array(r, &q->signature) || !read_array(r, &q->attestation_key))
    return fail("quote signature data: truncated at offset ", r.offset());
  if (q->header.version == 3) {
    CLOISTER_TRY(parse_qe_report_block(r, q));
  } else {
    uint16_t type = 0;
    uint32_t len = 0;
    if (!r.read_u16le(&type) || !r.read_u32le(&len))
      return fail("certification data header: truncated at offset ", r.offset());
    if (type != kCertDataQeReport)
      return fail("certification data type ", type, " at offset ", r.offset() - 6,
                  ": v4/v5 quotes must carry type 6 (QE report certification data)");
    ByteReader inner;
    if (!r.read_sub(len, &inner))
      return fail("QE report certification data: ", len, " bytes declared at offset ", r.offset(),
                  ", only ", r.remaining(), " present");
    CLOISTER_TRY(parse_qe_report_block(inner, q));
    if (!inner.empty())
      return fail("QE report certification data: ", inner.remaining(),
                  " unexpected bytes at offset ", inner.offset());
  }
  if (!r.empty())
    return fail("quote signature data: ", r.remaining(), " unexpected bytes at offset ",
                r.offset());
  return ok();
}

}  // namespace

Result<Quote> parse_quote(std::span<const uint8_t> bytes, std::vector<std::string>* notes) {
  Quote q;
  q.input_size = bytes.size();
  ByteReader r(bytes);
  QuoteHeader& h = q.header;
  if (!r.read_u16le(&h.version) || !r.read_u16le(&h.att_key_type))
    return fail("quote header: truncated (", bytes.size(), " bytes)");
  if (h.version != 3 && h.version != 4 && h.version != 5)
    return fail("quote version ", h.version, " is not supported (3, 4 and 5 are)");
  if (h.att_key_type != kAttestationKeyEcdsaP256)
    return fail("attestation key type ", h.att_key_type,
                " is not supported (only 2, ECDSA P-256, is)");
  if (!r.read_u32le(&h.tee_type) || !r.read_u16le(&h.qe_svn) || !r.read_u16le(&h.pce_svn) ||
      !read_array(r, &h.qe_vendor_id) || !read_array(r, &h.user_data))
    return fail("quote header: truncated (", bytes.size(), " bytes, need ", kHeaderSize, ")");
  if (h.version == 3 && h.tee_type != kTeeTypeSgx)
    return fail("quote v3 with TEE type ", h.tee_type, ": v3 quotes are SGX only");
  if (h.tee_type != kTeeTypeSgx && h.tee_type != kTeeTypeTdx)
    return fail("unknown TEE type ", h.tee_type, " in the quote header");

  if (h.version == 5) {
    if (!r.read_u16le(&q.body_type) || !r.read_u32le(&q.body_size))
      return fail("quote v5 body descriptor: truncated at offset ", r.offset());
    const bool sgx = h.tee_type == kTeeTypeSgx;
    const size_t want = q.body_type == 1   ? kSgxReportBodySize
                        : q.body_type == 2 ? kTdx10BodySize
                        : q.body_type == 3 ? kTdx15BodySize
                                           : 0;
    if (want == 0) return fail("quote v5 body type ", q.body_type, " is unknown (1, 2, 3 are)");
    if ((q.body_type == 1) != sgx)
      return fail("quote v5 body type ", q.body_type, " does not match TEE type ", h.tee_type);
    if (q.body_size != want)
      return fail("quote v5 body type ", q.body_type, " must be ", want, " bytes, header says ",
                  q.body_size);
  } else {
    q.body_type = h.tee_type == kTeeTypeSgx ? 1 : 2;
    q.body_size = h.tee_type == kTeeTypeSgx ? kSgxReportBodySize : kTdx10BodySize;
  }

  ByteReader body;
  if (!r.read_sub(q.body_size, &body))
    return fail("quote body: ", q.body_size, " bytes needed at offset ", r.offset(), ", only ",
                r.remaining(), " present");
  if (q.body_type == 1) {
    CLOISTER_TRY_ASSIGN(q.sgx, parse_sgx_report_body(body, "SGX report body"));
  } else {
    CLOISTER_TRY_ASSIGN(q.tdx, parse_tdx_report_body(body, q.body_type == 3));
  }
  const size_t signed_end = r.offset();
  q.signed_data.assign(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(signed_end));

  uint32_t sig_len = 0;
  if (!r.read_u32le(&sig_len))
    return fail("quote signature data length: truncated at offset ", r.offset());
  ByteReader sig;
  if (!r.read_sub(sig_len, &sig))
    return fail("quote signature data: ", sig_len, " bytes declared at offset ", r.offset(),
                ", only ", r.remaining(), " present");
  CLOISTER_TRY(parse_signature_data(sig, &q));
  q.quote_size = r.offset();
  if (!r.empty() && notes != nullptr)
    notes->push_back("quote: " + std::to_string(r.remaining()) + " trailing bytes after the " +
                     std::to_string(q.quote_size) + "-byte quote were ignored");
  return q;
}

}  // namespace cloister::attest::dcap
