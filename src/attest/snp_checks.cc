// SPDX-License-Identifier: Apache-2.0
#include "attest/snp_checks.h"

#include <algorithm>

#include "base/hex.h"

namespace cloister::attest::snp {

void check_reported_tcb(const Report& r, Product product, const EndorsementKeyInfo& info,
                        std::vector<Failure>* failures) {
  // The VCEK/VLEK is issued for one REPORTED_TCB (not CURRENT_TCB): each of
  // its SPL extensions must equal the matching component.
  const TcbComponents tcb = decode_tcb(r.reported_tcb, product);
  std::string diffs;
  auto compare = [&](const char* name, const std::optional<uint32_t>& cert_value,
                     uint8_t report_value) {
    if (!cert_value) {
      diffs += std::string(diffs.empty() ? "" : ", ") + name + " missing from the certificate";
    } else if (*cert_value != report_value) {
      diffs += std::string(diffs.empty() ? "" : ", ") + name + " " + std::to_string(report_value) +
               " in the report vs " + std::to_string(*cert_value) + " in the certificate";
    }
  };
  if (tcb.fmc) compare("fmc", info.fmc, *tcb.fmc);
  compare("bl", info.bl, tcb.bootloader);
  compare("tee", info.tee, tcb.tee);
  compare("snp", info.snp, tcb.snp);
  compare("ucode", info.ucode, tcb.microcode);
  if (!diffs.empty())
    failures->push_back(
        {FailureKind::ReportedTcbMismatch, "REPORTED_TCB " + to_hex(r.reported_tcb) +
                                               " does not match the certificate's TCB: " + diffs});
}

void check_chip_id(const Report& r, Product product, const EndorsementKeyInfo& info,
                   std::vector<std::string>* notes, std::vector<Failure>* failures) {
  if (r.mask_chip_key) {
    notes->push_back("MASK_CHIP_KEY is set: CHIP_ID is zero and not compared with the hwID");
    return;
  }
  if (info.hwid.empty()) {
    failures->push_back({FailureKind::ChipIdMismatch, "the VCEK has no hwID extension"});
    return;
  }
  // Turin's hwID is 8 bytes: the first 8 of CHIP_ID, the rest of which is
  // zero on the parts seen so far. Only the 8 bytes identify the chip (they
  // are what KDS issues the VCEK for); any other bytes are signed like the
  // rest of the report, so a note suffices for them.
  const size_t significant = product == Product::Turin ? 8 : 64;
  std::span<const uint8_t> chip(r.chip_id);
  const bool match = info.hwid.size() == significant &&
                     std::equal(info.hwid.begin(), info.hwid.end(), chip.begin());
  if (!match) {
    failures->push_back({FailureKind::ChipIdMismatch, "CHIP_ID " + to_hex(chip.first(significant)) +
                                                          " does not match the VCEK hwID " +
                                                          to_hex(info.hwid)});
  } else if (!std::all_of(chip.begin() + significant, chip.end(),
                          [](uint8_t b) { return b == 0; })) {
    notes->push_back(
        "CHIP_ID bytes 8-63 are not zero on a Turin report (only bytes 0-7 are "
        "the chip's hwID)");
  }
}

}  // namespace cloister::attest::snp
