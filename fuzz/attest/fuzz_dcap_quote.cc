// SPDX-License-Identifier: Apache-2.0
//
// DCAP quote decoding, claims and verification (without collateral, so the
// PCK chain, QE report and quote signature paths run) on arbitrary bytes:
// must never crash, read out of bounds or throw.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>

#include "attest/dcap.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cloister::attest;
  std::span<const uint8_t> bytes(data, size);
  std::vector<std::string> notes;
  auto quote = dcap::parse_quote(bytes, &notes);
  if (quote) {
    Claims claims = dcap::claims_from_quote(*quote, bytes);
    (void)claims.details.dump();
    // One verifier for the whole run: its caches are part of what is fuzzed.
    static const dcap::DcapVerifier verifier(std::nullopt);
    Verification v = verifier.verify(bytes, TimePoint(std::chrono::seconds(1750000000)));
    (void)v.claims.details.dump();
  }
  return 0;
}
