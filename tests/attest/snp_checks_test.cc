// SPDX-License-Identifier: Apache-2.0
//
// The REPORTED_TCB and CHIP_ID checks on synthetic inputs, for the paths no
// real case exercises (masked chip id, Turin remainder bytes, missing SPLs).
#include <gtest/gtest.h>

#include "attest/snp_checks.h"

namespace cloister::attest::snp {
namespace {

Report milan_report() {
  Report r;
  r.version = 2;
  r.reported_tcb = {3, 0, 0, 0, 0, 0, 8, 115};
  for (size_t i = 0; i < r.chip_id.size(); ++i) r.chip_id[i] = static_cast<uint8_t>(0xa0 + i);
  return r;
}

EndorsementKeyInfo milan_vcek() {
  EndorsementKeyInfo info;
  info.bl = 3;
  info.tee = 0;
  info.snp = 8;
  info.ucode = 115;
  Report r = milan_report();
  info.hwid.assign(r.chip_id.begin(), r.chip_id.end());
  return info;
}

TEST(SnpChecks, MilanTcbAndChipIdMatch) {
  std::vector<Failure> failures;
  std::vector<std::string> notes;
  check_reported_tcb(milan_report(), Product::Milan, milan_vcek(), &failures);
  check_chip_id(milan_report(), Product::Milan, milan_vcek(), &notes, &failures);
  EXPECT_TRUE(failures.empty());
  EXPECT_TRUE(notes.empty());
}

TEST(SnpChecks, TcbMismatchNamesEveryComponent) {
  EndorsementKeyInfo info = milan_vcek();
  info.snp = 10;
  info.ucode.reset();
  std::vector<Failure> failures;
  check_reported_tcb(milan_report(), Product::Milan, info, &failures);
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0].kind, FailureKind::ReportedTcbMismatch);
  EXPECT_NE(failures[0].message.find("snp 8 in the report vs 10"), std::string::npos)
      << failures[0].message;
  EXPECT_NE(failures[0].message.find("ucode missing"), std::string::npos) << failures[0].message;
}

TEST(SnpChecks, ChipIdMismatchAndMask) {
  EndorsementKeyInfo info = milan_vcek();
  info.hwid[63] ^= 1;
  std::vector<Failure> failures;
  std::vector<std::string> notes;
  check_chip_id(milan_report(), Product::Milan, info, &notes, &failures);
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0].kind, FailureKind::ChipIdMismatch);

  // MASK_CHIP_KEY: the firmware zeroes CHIP_ID; no comparison, a note.
  Report masked = milan_report();
  masked.mask_chip_key = true;
  masked.chip_id.fill(0);
  failures.clear();
  check_chip_id(masked, Product::Milan, info, &notes, &failures);
  EXPECT_TRUE(failures.empty());
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find("MASK_CHIP_KEY"), std::string::npos);

  // A VCEK without hwID cannot be tied to the chip.
  info.hwid.clear();
  notes.clear();
  check_chip_id(milan_report(), Product::Milan, info, &notes, &failures);
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0].kind, FailureKind::ChipIdMismatch);
}

TEST(SnpChecks, TurinUsesEightByteHwidAndFmc) {
  Report r;
  r.version = 5;
  r.reported_tcb = {1, 1, 1, 4, 0, 0, 0, 81};
  const uint8_t id[8] = {0x59, 0x79, 0x0f, 0xb1, 0xc3, 0x9f, 0x35, 0xc1};
  std::copy(id, id + 8, r.chip_id.begin());
  EndorsementKeyInfo info;
  info.fmc = 1;
  info.bl = 1;
  info.tee = 1;
  info.snp = 4;
  info.ucode = 81;
  info.hwid.assign(id, id + 8);
  std::vector<Failure> failures;
  std::vector<std::string> notes;
  check_reported_tcb(r, Product::Turin, info, &failures);
  check_chip_id(r, Product::Turin, info, &notes, &failures);
  EXPECT_TRUE(failures.empty());
  EXPECT_TRUE(notes.empty());

  // Read with the Milan layout, the same TCB does not match.
  check_reported_tcb(r, Product::Milan, info, &failures);
  EXPECT_EQ(failures.size(), 1u);
  failures.clear();

  // A Turin VCEK must carry fmcSPL.
  EndorsementKeyInfo no_fmc = info;
  no_fmc.fmc.reset();
  check_reported_tcb(r, Product::Turin, no_fmc, &failures);
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_NE(failures[0].message.find("fmc missing"), std::string::npos);
  failures.clear();

  // Bytes after the 8-byte id: signed data, so only a note.
  Report extra = r;
  extra.chip_id[20] = 1;
  check_chip_id(extra, Product::Turin, info, &notes, &failures);
  EXPECT_TRUE(failures.empty());
  EXPECT_EQ(notes.size(), 1u);

  // A different 8-byte id, or a 64-byte hwID on Turin, is a mismatch.
  Report other = r;
  other.chip_id[7] ^= 1;
  check_chip_id(other, Product::Turin, info, &notes, &failures);
  EXPECT_EQ(failures.size(), 1u);
  EndorsementKeyInfo long_id = info;
  long_id.hwid.resize(64, 0);
  check_chip_id(r, Product::Turin, long_id, &notes, &failures);
  EXPECT_EQ(failures.size(), 2u);
}

}  // namespace
}  // namespace cloister::attest::snp
