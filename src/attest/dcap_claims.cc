// SPDX-License-Identifier: Apache-2.0
#include "attest/dcap_claims.h"

#include <cstdio>

#include "base/hex.h"
#include "base/time.h"

namespace cloister::attest::dcap {
namespace {

std::string hex32(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "0x%08x", v);
  return buf;
}

// "tdx_comp_07": a prefix and a two-digit index (every caller counts to 16),
// without a printf per key.
std::string component_key(const char* prefix, size_t i) {
  std::string key = prefix;
  key += static_cast<char>('0' + i / 10);
  key += static_cast<char>('0' + i % 10);
  return key;
}

template <size_t N>
Bytes bytes(const std::array<uint8_t, N>& a) {
  return Bytes(a.begin(), a.end());
}

// How trailing bytes look, so an auditor can tell padding from data.
std::string describe_trailing(std::span<const uint8_t> t) {
  bool zeros = true, ascii = true;
  for (uint8_t b : t) {
    zeros = zeros && b == 0;
    ascii = ascii && ((b >= 0x20 && b < 0x7f) || b == '\n' || b == '\r' || b == '\t');
  }
  if (zeros) return "zeros";
  if (ascii) return "ascii: " + std::string(t.begin(), t.end());
  return "hex: " + to_hex(t.first(std::min<size_t>(t.size(), 64))) + (t.size() > 64 ? "..." : "");
}

void fill_sgx(const SgxReportBody& b, Claims* c) {
  nlohmann::json& d = c->details;
  d["mrenclave"] = to_hex(b.mr_enclave);
  d["mrsigner"] = to_hex(b.mr_signer);
  d["isv_prod_id"] = b.isv_prod_id;
  d["isv_svn"] = b.isv_svn;
  d["config_svn"] = b.config_svn;
  d["attributes"] = to_hex(b.attributes);
  d["miscselect"] = hex32(b.misc_select);
  d["cpusvn"] = to_hex(b.cpu_svn);
  d["isv_ext_prod_id"] = to_hex(b.isv_ext_prod_id);
  d["isv_family_id"] = to_hex(b.isv_family_id);
  d["config_id"] = to_hex(b.config_id);
  d["report_data"] = to_hex(b.report_data);
  // ATTRIBUTES.FLAGS bit 1 is DEBUG.
  c->debug = (b.attributes[0] & 0x02) != 0;
  d["debug"] = c->debug;
  c->measurements["mrenclave"] = bytes(b.mr_enclave);
  c->measurements["mrsigner"] = bytes(b.mr_signer);
  c->report_data = bytes(b.report_data);
}

void fill_tdx(const TdxReportBody& b, Claims* c) {
  nlohmann::json& d = c->details;
  d["tee_tcb_svn"] = to_hex(b.tee_tcb_svn);
  d["mrseam"] = to_hex(b.mr_seam);
  d["mrsignerseam"] = to_hex(b.mr_signer_seam);
  d["seam_attributes"] = to_hex(b.seam_attributes);
  d["td_attributes"] = to_hex(b.td_attributes);
  d["xfam"] = to_hex(b.xfam);
  d["mrtd"] = to_hex(b.mr_td);
  d["mrconfigid"] = to_hex(b.mr_config_id);
  d["mrowner"] = to_hex(b.mr_owner);
  d["mrownerconfig"] = to_hex(b.mr_owner_config);
  for (size_t i = 0; i < 4; ++i) d["rtmr" + std::to_string(i)] = to_hex(b.rtmr[i]);
  d["report_data"] = to_hex(b.report_data);
  if (b.tdx15) {
    d["tee_tcb_svn2"] = to_hex(b.tee_tcb_svn2);
    d["mrservicetd"] = to_hex(b.mr_servicetd);
  }
  // TD_ATTRIBUTES bit 0 is DEBUG.
  c->debug = (b.td_attributes[0] & 0x01) != 0;
  d["debug"] = c->debug;
  c->measurements["mrtd"] = bytes(b.mr_td);
  for (size_t i = 0; i < 4; ++i) c->measurements["rtmr" + std::to_string(i)] = bytes(b.rtmr[i]);
  c->measurements["mrseam"] = bytes(b.mr_seam);
  c->measurements["mrconfigid"] = bytes(b.mr_config_id);
  c->measurements["mrowner"] = bytes(b.mr_owner);
  c->measurements["mrownerconfig"] = bytes(b.mr_owner_config);
  c->report_data = bytes(b.report_data);
  c->host_data = bytes(b.mr_config_id);
  for (size_t i = 0; i < 16; ++i) c->tcb[component_key("tdx_comp_", i)] = b.tee_tcb_svn[i];
}

void fill_pck(const std::vector<x509::X509Ptr>& chain, const PckExtensions* pck, Claims* c) {
  nlohmann::json& d = c->details;
  if (!chain.empty()) {
    d["pck_issuer_ca"] = x509::issuer_cn(chain.front().get());
    if (auto v = x509::cert_validity(chain.front().get()))
      d["pck_validity"] = format_rfc3339(v->not_before) + ".." + format_rfc3339(v->not_after);
    d["pck_chain_root_cert_sha256"] = to_hex(x509::cert_sha256(chain.back().get()));
  }
  if (pck == nullptr) return;
  d["fmspc"] = to_hex(pck->fmspc);
  d["pce_id"] = to_hex(pck->pce_id);
  nlohmann::json comps = nlohmann::json::array();
  for (uint8_t v : pck->sgx_tcb_comp_svn) comps.push_back(v);
  d["pck_tcb"] = {
      {"sgx_tcb_comp_svn", comps}, {"pcesvn", pck->pcesvn}, {"cpusvn", to_hex(pck->cpusvn)}};
  c->cpu.fmspc = bytes(pck->fmspc);
  c->tcb["pcesvn"] = pck->pcesvn;
  for (size_t i = 0; i < 16; ++i) c->tcb[component_key("sgx_comp_", i)] = pck->sgx_tcb_comp_svn[i];
}

}  // namespace

Result<std::vector<x509::X509Ptr>> pck_chain_from_quote(const Quote& quote) {
  if (quote.cert_data_type != kCertDataPckChain)
    return fail("certification data type ", quote.cert_data_type,
                " carries no PCK certificate chain (type 5 does)");
  auto chain = x509::load_certs_pem(quote.cert_data);
  if (!chain) return Unexpected(chain.error().with_context("PCK chain in the quote"));
  return chain;
}

void fill_quote_claims(const Quote& q, const std::vector<x509::X509Ptr>* chain,
                       const PckExtensions* pck, std::span<const uint8_t> input, Claims* c) {
  c->platform = q.tdx ? Platform::Tdx : Platform::Sgx;
  c->confidential = true;
  c->signing_key = "pck";
  c->cpu.vendor = "Intel";
  nlohmann::json& d = c->details;
  d["quote_version"] = q.header.version;
  d["att_key_type"] = q.header.att_key_type;
  d["tee_type"] = q.tdx ? "TDX" : "SGX";
  d["tee_type_raw"] = hex32(q.header.tee_type);
  d["qe_vendor_id"] = to_hex(q.header.qe_vendor_id);
  if (q.header.version == 3) {
    d["header_qe_svn"] = q.header.qe_svn;
    d["header_pce_svn"] = q.header.pce_svn;
  }
  if (q.header.version == 5) {
    d["body_type"] = q.body_type;
    d["body_size"] = q.body_size;
  }
  d["quote_bytes_used"] = q.quote_size;
  d["file_bytes"] = q.input_size;
  d["trailing_bytes"] = q.input_size - q.quote_size;
  if (q.input_size > q.quote_size && input.size() == q.input_size)
    d["trailing_bytes_content"] = describe_trailing(input.subspan(q.quote_size));
  d["qe_report"] = {{"isv_svn", q.qe_report.isv_svn},
                    {"isv_prod_id", q.qe_report.isv_prod_id},
                    {"mrsigner", to_hex(q.qe_report.mr_signer)}};
  if (q.sgx) fill_sgx(*q.sgx, c);
  if (q.tdx) fill_tdx(*q.tdx, c);
  if (chain != nullptr) fill_pck(*chain, pck, c);
}

Claims claims_from_quote(const Quote& quote, std::span<const uint8_t> input_bytes) {
  Claims claims;
  auto chain = pck_chain_from_quote(quote);
  std::optional<PckExtensions> pck;
  if (chain && !chain->empty()) {
    if (auto ext = pck_extensions(chain->front().get())) pck = *ext;
  }
  fill_quote_claims(quote, chain ? &*chain : nullptr, pck ? &*pck : nullptr, input_bytes, &claims);
  return claims;
}

}  // namespace cloister::attest::dcap
