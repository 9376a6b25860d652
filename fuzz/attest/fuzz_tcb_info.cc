// SPDX-License-Identifier: Apache-2.0
//
// Intel PCS TCB Info and QE Identity JSON (and the exact-bytes member scanner)
// on arbitrary text; parsed documents also go through TCB level selection.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "attest/dcap_json.h"
#include "attest/dcap_tcb.h"
#include "attest/qe_identity.h"
#include "attest/tcb_info.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cloister::attest::dcap;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)raw_top_level_members(text);
  if (auto info = parse_tcb_info(text)) {
    PckExtensions pck;
    pck.sgx_tcb_comp_svn.fill(static_cast<uint8_t>(size));
    pck.pcesvn = static_cast<uint16_t>(size);
    TdxReportBody tdx;
    tdx.tee_tcb_svn.fill(static_cast<uint8_t>(size >> 3));
    (void)evaluate_platform_tcb(*info, pck, info->is_tdx() ? &tdx : nullptr);
  }
  if (auto qe = parse_qe_identity(text)) {
    SgxReportBody report;
    report.isv_svn = static_cast<uint16_t>(size);
    (void)evaluate_qe_identity(*qe, report);
  }
  return 0;
}
