// SPDX-License-Identifier: Apache-2.0
//
// x509::ecdsa_rs_to_der encodes Intel's raw r||s signatures as DER by hand
// (it is on the hot path of every quote). These tests hold it to OpenSSL's
// own encoder, i2d_ECDSA_SIG, on the edge cases of DER INTEGERs: leading
// zero bytes, the high bit set (needs a 0x00 pad), zero, and all-ones.
#include <openssl/bn.h>
#include <openssl/ecdsa.h>

#include <gtest/gtest.h>

#include <array>
#include <random>

#include "attest/x509.h"

namespace cloister::attest {
namespace {

Bytes openssl_der(std::span<const uint8_t> rs) {
  ECDSA_SIG* sig = ECDSA_SIG_new();
  BIGNUM* r = BN_bin2bn(rs.data(), 32, nullptr);
  BIGNUM* s = BN_bin2bn(rs.data() + 32, 32, nullptr);
  EXPECT_EQ(ECDSA_SIG_set0(sig, r, s), 1);
  int len = i2d_ECDSA_SIG(sig, nullptr);
  Bytes out(static_cast<size_t>(len));
  unsigned char* p = out.data();
  i2d_ECDSA_SIG(sig, &p);
  ECDSA_SIG_free(sig);
  return out;
}

void expect_same_as_openssl(const std::array<uint8_t, 64>& rs) {
  auto ours = x509::ecdsa_rs_to_der(rs);
  ASSERT_TRUE(ours) << ours.error().message();
  EXPECT_EQ(*ours, openssl_der(rs));
}

TEST(EcdsaRsToDer, MatchesOpenSslOnEdgeCases) {
  std::array<uint8_t, 64> rs{};
  expect_same_as_openssl(rs);  // r = s = 0
  rs.fill(0xff);
  expect_same_as_openssl(rs);  // high bit set: 0x00 pad, longest encoding
  rs.fill(0);
  rs[31] = 1;
  rs[63] = 0x80;
  expect_same_as_openssl(rs);  // single-byte values, one needing a pad
  rs.fill(0);
  rs[5] = 0x7f;
  rs[40] = 0x80;
  expect_same_as_openssl(rs);  // leading zero bytes stripped
}

TEST(EcdsaRsToDer, MatchesOpenSslOnRandomValues) {
  std::mt19937 rng(20261127);
  std::array<uint8_t, 64> rs;
  for (int i = 0; i < 20000; ++i) {
    for (auto& b : rs) b = static_cast<uint8_t>(rng());
    // Zero a random prefix of each half to exercise short integers too.
    std::fill_n(rs.begin(), rng() % 33, 0);
    std::fill_n(rs.begin() + 32, rng() % 33, 0);
    expect_same_as_openssl(rs);
    if (HasFailure()) return;
  }
}

TEST(EcdsaRsToDer, RejectsWrongLength) {
  std::array<uint8_t, 63> short_rs{};
  EXPECT_FALSE(x509::ecdsa_rs_to_der(short_rs));
}

}  // namespace
}  // namespace cloister::attest
