// SPDX-License-Identifier: Apache-2.0
//
// The SGX extensions of a PCK certificate (DER) and the DER helpers under them.
#include <cstddef>
#include <cstdint>
#include <span>

#include "attest/dcap_pck.h"
#include "attest/x509.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cloister::attest;
  std::span<const uint8_t> bytes(data, size);
  (void)dcap::parse_sgx_extensions(bytes);
  (void)x509::der_oid_to_text(bytes);
  cloister::ByteReader reader(bytes);
  x509::DerTlv tlv;
  while (x509::read_der_tlv(reader, &tlv)) {
  }
  // Certificates and CRLs from the same bytes (DER or PEM).
  (void)x509::load_certs(bytes);
  (void)x509::load_crl(bytes);
  return 0;
}
