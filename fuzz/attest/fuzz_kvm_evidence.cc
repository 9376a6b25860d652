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

// One fixed trusted key (Ed25519, private key bytes 1..32), so that inputs
// carrying it (the seed corpus/fuzz_kvm_evidence/ed25519-trusted.bin is
// signed by it) reach the trusted-key path of every check.
const cloister::attest::Bytes& trusted_key() {
  static const cloister::attest::Bytes key = [] {
    unsigned char raw[32];
    for (int i = 0; i < 32; ++i) raw[i] = static_cast<unsigned char>(i + 1);
    EVP_PKEY* k = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, raw, sizeof raw);
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
  const TimePoint at(std::chrono::seconds(1800000000));
  Verification v = kvm::verify(bytes, {{trusted_key()}, at});
  (void)claims_to_json(v.claims).dump();
  // The caching verifier must agree with verify() on every input.
  static const auto verifier = kvm::Verifier::create({trusted_key()});
  if (verifier) {
    Verification cached = verifier->verify(bytes, at);
    if (cached.failures.size() != v.failures.size()) __builtin_trap();
  }
  if (auto shown = show_evidence(bytes)) (void)claims_to_json(shown->claims).dump();
  return 0;
}
