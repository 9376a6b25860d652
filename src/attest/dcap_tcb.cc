// SPDX-License-Identifier: Apache-2.0
#include "attest/dcap_tcb.h"

#include <algorithm>
#include <cstdio>

#include "base/hex.h"

namespace cloister::attest::dcap {
namespace {

template <size_t N>
bool masked_equal(const std::array<uint8_t, N>& value, const std::array<uint8_t, N>& mask,
                  const std::array<uint8_t, N>& expected) {
  for (size_t i = 0; i < N; ++i)
    if ((value[i] & mask[i]) != (expected[i] & mask[i])) return false;
  return true;
}

const IsvSvnLevel* first_level_at_most(const std::vector<IsvSvnLevel>& levels, uint16_t svn) {
  for (const auto& l : levels)
    if (l.isvsvn <= svn) return &l;
  return nullptr;
}

void evaluate_tdx_module(const TcbInfo& info, const TdxReportBody& tdx, TcbEvaluation* out) {
  const uint8_t version = tdx.tee_tcb_svn[1];
  auto mismatch = [&](std::string msg) {
    out->failures.push_back({FailureKind::TcbNotSupported, "tdx_module: " + std::move(msg)});
  };
  const Bytes mrsignerseam(tdx.mr_signer_seam.begin(), tdx.mr_signer_seam.end());
  // The TCB Info's default module ("tdxModule") is checked for every quote
  // (QVL 4.1.2.4.11); a module version also selects its own identity below.
  if (info.tdx_module) {
    if (info.tdx_module->mrsigner != mrsignerseam)
      mismatch("MRSIGNERSEAM " + to_hex(mrsignerseam) + " is not the TDX module signer " +
               to_hex(info.tdx_module->mrsigner));
    if (!masked_equal(tdx.seam_attributes, info.tdx_module->attributes_mask,
                      info.tdx_module->attributes))
      mismatch("SEAM attributes " + to_hex(tdx.seam_attributes) + " do not match");
  }
  if (version == 0) return;
  char id[8];
  std::snprintf(id, sizeof(id), "TDX_%02X", version);
  out->module_id = id;
  auto it = std::find_if(info.tdx_module_identities.begin(), info.tdx_module_identities.end(),
                         [&](const TdxModuleIdentity& m) { return m.id == id; });
  if (it == info.tdx_module_identities.end()) {
    mismatch(std::string("TCB Info has no TDX module identity ") + id);
    return;
  }
  if (it->mrsigner != mrsignerseam)
    mismatch("MRSIGNERSEAM " + to_hex(mrsignerseam) + " is not the signer of " + id + " (" +
             to_hex(it->mrsigner) + ")");
  if (!masked_equal(tdx.seam_attributes, it->attributes_mask, it->attributes))
    mismatch("SEAM attributes " + to_hex(tdx.seam_attributes) + " do not match " + id);
  const IsvSvnLevel* level = first_level_at_most(it->tcb_levels, tdx.tee_tcb_svn[0]);
  if (level == nullptr) {
    mismatch(std::string("no TCB level of ") + id + " accepts module SVN " +
             std::to_string(tdx.tee_tcb_svn[0]));
    return;
  }
  out->module_status = level->status;
  out->module_advisories = level->advisories;
}

std::string svns(std::span<const uint8_t> v) {
  std::string s;
  for (uint8_t b : v) s += (s.empty() ? "" : ",") + std::to_string(b);
  return s;
}

}  // namespace

TcbEvaluation evaluate_platform_tcb(const TcbInfo& info, const PckExtensions& pck,
                                    const TdxReportBody* tdx) {
  TcbEvaluation out;
  if (tdx != nullptr) evaluate_tdx_module(info, *tdx, &out);
  const size_t tdx_first = (tdx != nullptr && tdx->tee_tcb_svn[1] > 0) ? 2 : 0;
  for (const TcbLevel& level : info.tcb_levels) {
    bool match = level.pcesvn <= pck.pcesvn;
    for (size_t i = 0; match && i < 16; ++i)
      match = level.sgx_comp_svn[i] <= pck.sgx_tcb_comp_svn[i];
    if (match && tdx != nullptr) {
      if (!level.tdx_comp_svn) {
        match = false;
      } else {
        for (size_t i = tdx_first; match && i < 16; ++i)
          match = (*level.tdx_comp_svn)[i] <= tdx->tee_tcb_svn[i];
      }
    }
    if (match) {
      out.platform_status = level.status;
      out.platform_advisories = level.advisories;
      return out;
    }
  }
  std::string msg = "tcb_info: no TCB level matches the platform (PCK SGX components " +
                    svns(pck.sgx_tcb_comp_svn) + ", PCESVN " + std::to_string(pck.pcesvn);
  if (tdx != nullptr) msg += ", TEE_TCB_SVN " + svns(tdx->tee_tcb_svn);
  out.failures.push_back({FailureKind::TcbNotSupported, msg + ")"});
  return out;
}

QeEvaluation evaluate_qe_identity(const QeIdentity& id, const SgxReportBody& qe) {
  QeEvaluation out;
  auto mismatch = [&](std::string msg) {
    out.failures.push_back({FailureKind::QeIdentityMismatch, "qe_identity: " + std::move(msg)});
  };
  if (qe.mr_signer != id.mrsigner)
    mismatch("QE MRSIGNER " + to_hex(qe.mr_signer) + " is not " + to_hex(id.mrsigner));
  if (qe.isv_prod_id != id.isvprodid)
    mismatch("QE ISVPRODID " + std::to_string(qe.isv_prod_id) + " is not " +
             std::to_string(id.isvprodid));
  if ((qe.misc_select & id.miscselect_mask) != (id.miscselect & id.miscselect_mask))
    mismatch("QE MISCSELECT does not match under the identity's mask");
  if (!masked_equal(qe.attributes, id.attributes_mask, id.attributes))
    mismatch("QE ATTRIBUTES " + to_hex(qe.attributes) + " do not match " + to_hex(id.attributes) +
             " under mask " + to_hex(id.attributes_mask));
  const IsvSvnLevel* level = first_level_at_most(id.tcb_levels, qe.isv_svn);
  if (level == nullptr) {
    mismatch("no QE TCB level accepts ISVSVN " + std::to_string(qe.isv_svn));
    return out;
  }
  out.status = level->status;
  out.advisories = level->advisories;
  return out;
}

std::string converge_status(const std::string& platform, const std::string& qe,
                            const std::string& module) {
  if (platform.empty()) return "";
  if (platform == "Revoked" || qe == "Revoked" || module == "Revoked") return "Revoked";
  if (qe == "OutOfDate" || module == "OutOfDate") {
    if (platform == "UpToDate" || platform == "SWHardeningNeeded") return "OutOfDate";
    if (platform == "ConfigurationNeeded" || platform == "ConfigurationAndSWHardeningNeeded")
      return "OutOfDateConfigurationNeeded";
  }
  return platform;
}

}  // namespace cloister::attest::dcap
