// SPDX-License-Identifier: Apache-2.0
//
// The Azure confidential-VM "HCL report" around an SEV-SNP report, with the
// layout documented for the Azure cases of the shared evidence (its README,
// "Azure CVM wrapper"): magic "HCLA" at 0, the SNP report at 0x20, the
// runtime-data header at 0x4C0 and the runtime data at 0x4D4.
#include <openssl/sha.h>

#include <algorithm>
#include <cstring>

#include "attest/snp.h"
#include "base/byte_reader.h"
#include "base/hex.h"

namespace cloister::attest::snp {
namespace {

constexpr size_t kHclReportOffset = 0x20;
constexpr size_t kRuntimeHeaderOffset = kHclReportOffset + kReportSize;  // 0x4C0
constexpr uint32_t kHashSha256 = 1;

}  // namespace

Result<std::span<const uint8_t>> report_from_azure_hcl(std::span<const uint8_t> bytes) {
  if (bytes.size() < 4 || std::memcmp(bytes.data(), "HCLA", 4) != 0)
    return fail("not an Azure HCL report (no 'HCLA' magic)");
  if (bytes.size() < kHclReportOffset + kReportSize)
    return fail("Azure HCL report: ", bytes.size(), " bytes, too short for an SNP report at 0x20");
  return bytes.subspan(kHclReportOffset, kReportSize);
}

Result<AzureHclReport> parse_azure_hcl(std::span<const uint8_t> bytes) {
  AzureHclReport out;
  CLOISTER_TRY_ASSIGN(out.report, report_from_azure_hcl(bytes));
  ByteReader r(bytes);
  uint32_t data_size = 0, version = 0, runtime_size = 0;
  if (!r.skip(kRuntimeHeaderOffset) || !r.read_u32le(&data_size) || !r.read_u32le(&version) ||
      !r.read_u32le(&out.report_type) || !r.read_u32le(&out.hash_type) ||
      !r.read_u32le(&runtime_size))
    return fail("Azure HCL report: truncated runtime-data header at 0x4C0");
  if (!r.read_bytes(runtime_size, &out.runtime_data))
    return fail("Azure HCL report: runtime data of ", runtime_size, " bytes at 0x4D4 exceeds the ",
                bytes.size(), "-byte buffer");
  return out;
}

Result<void> check_azure_runtime_data(const AzureHclReport& hcl, const Report& report) {
  if (hcl.hash_type != kHashSha256)
    return fail("Azure HCL report: runtime-data hash type ", hcl.hash_type,
                " is not supported (only 1, SHA-256)");
  uint8_t digest[SHA256_DIGEST_LENGTH];
  SHA256(hcl.runtime_data.data(), hcl.runtime_data.size(), digest);
  const auto& rd = report.report_data;
  if (!std::equal(digest, digest + sizeof(digest), rd.begin()))
    return fail("REPORT_DATA[0:32] ", to_hex(std::span(rd).first(32)),
                " is not the SHA-256 of the HCL runtime data (", to_hex(digest), ")");
  if (!std::all_of(rd.begin() + 32, rd.end(), [](uint8_t b) { return b == 0; }))
    return fail("REPORT_DATA[32:64] is not zero in an Azure HCL report");
  return ok();
}

}  // namespace cloister::attest::snp
