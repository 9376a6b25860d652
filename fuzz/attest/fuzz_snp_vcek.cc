// SPDX-License-Identifier: Apache-2.0
//
// The AMD VCEK/VLEK extension parser on arbitrary DER certificates.
#include <openssl/x509.h>

#include <cstddef>
#include <cstdint>

#include "attest/snp_cert.h"
#include "attest/x509.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cloister::attest;
  auto cert = x509::load_cert_der(std::span<const uint8_t>(data, size));
  if (!cert) return 0;
  auto info = snp::parse_endorsement_key_cert(cert->get());
  if (info) (void)snp::endorsement_key_json(*info).dump();
  return 0;
}
