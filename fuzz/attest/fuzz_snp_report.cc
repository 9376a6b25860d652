// SPDX-License-Identifier: Apache-2.0
//
// SEV-SNP report decoding and claims on arbitrary bytes: must never crash,
// read out of bounds or throw, and every successful parse yields claims for
// every product layout.
#include <cstddef>
#include <cstdint>
#include <span>

#include "attest/snp.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cloister::attest::snp;
  std::span<const uint8_t> bytes(data, size);
  std::vector<std::string> notes;
  auto report = parse_report(bytes, &notes);
  if (report) {
    for (Product p : {Product::Unknown, Product::Milan, Product::Genoa, Product::Turin}) {
      cloister::attest::Claims claims = claims_from_report(*report, p);
      (void)claims.details.dump();
    }
    (void)policy_flag_names(report->policy);
  }
  if (auto hcl = parse_azure_hcl(bytes)) {
    if (auto inner = parse_report(hcl->report, nullptr))
      (void)check_azure_runtime_data(*hcl, *inner);
  }
  return 0;
}
