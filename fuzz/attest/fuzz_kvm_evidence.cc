// SPDX-License-Identifier: Apache-2.0
//
// kvm evidence parsing and verification on arbitrary bytes, and the format
// detection/show dispatcher that routes every evidence type: must never
// crash, read out of bounds or throw.
#include <openssl/evp.h>

#include <cstddef>
#include <cstdint>
#include <span>

#include "attest/evidence.h"
#include "attest/kvm_evidence.h"

namespace {

// One fixed trusted key, so that inputs carrying it reach every check.
const cloister::attest::Bytes& trusted_key() {
  static const cloister::attest::Bytes key = [] {
    EVP_PKEY* k = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
    auto der = cloister::attest::kvm::public_key_der(k);
    EVP_PKEY_free(k);
    return der ? *der : cloister::attest::Bytes{};
  }();
  return key;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cloister::attest;
  std::span<const uint8_t> bytes(data, size);
  if (auto ev = kvm::parse(bytes)) {
    (void)claims_to_json(kvm::claims_from(*ev)).dump();
    // Inputs whose key parses also go through the key loader.
    (void)kvm::load_host_public_key(ev->host_public_key);
  }
  Verification v =
      kvm::verify(bytes, {{trusted_key()}, TimePoint(std::chrono::seconds(1800000000))});
  (void)claims_to_json(v.claims).dump();
  if (auto shown = show_evidence(bytes)) (void)claims_to_json(shown->claims).dump();
  return 0;
}
