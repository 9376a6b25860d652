// SPDX-License-Identifier: Apache-2.0
//
// `kvm` evidence: what a Cloister host says about a keep it runs under plain
// KVM. The host measures the software it loads (shim, keep program and
// workload) and signs that measurement together with the keep's report data
// with its own host key. This proves *which host* vouches for *which
// software*, nothing more: the host can read and modify the keep's memory, so
// the claims are always labelled not confidential.
//
// Format version 1 (all integers little-endian; see docs/attestation.md):
//
//   off  size  field
//   0    8     magic "CLSTRKVM"
//   8    2     version (1)
//   10   2     signature algorithm: 1 = ECDSA P-256/SHA-256 (DER signature),
//              2 = Ed25519 (64-byte signature)
//   12   4     flags (reserved, must be 0)
//   16   48    measurement: SHA-384 from kvm::measure()
//   64   64    report_data (binds the keep's key and a nonce)
//   128  8     timestamp: host clock, seconds since the Unix epoch (< 2^33)
//   136  2     host public key length N (1..1024)
//   138  N     host public key, DER SubjectPublicKeyInfo
//   138+N 2    signature length M (1..512)
//   140+N M    signature over bytes [0, 138+N): everything before the length
//
// Bytes after the signature are reported and ignored.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include <openssl/types.h>

#include "attest/claims.h"
#include "attest/verify.h"
#include "base/result.h"

namespace cloister::attest::kvm {

inline constexpr std::string_view kMagic = "CLSTRKVM";
inline constexpr uint16_t kVersion = 1;
inline constexpr size_t kMeasurementSize = 48;
inline constexpr size_t kReportDataSize = 64;
inline constexpr size_t kHeaderSize = 136;  // up to and including the timestamp
inline constexpr size_t kMaxPublicKeySize = 1024;
inline constexpr size_t kMaxSignatureSize = 512;

enum class SignatureAlgorithm : uint16_t { EcdsaP256Sha256 = 1, Ed25519 = 2 };
std::string_view to_string(SignatureAlgorithm a);

struct Evidence {
  uint16_t version = kVersion;
  SignatureAlgorithm algorithm = SignatureAlgorithm::EcdsaP256Sha256;
  uint32_t flags = 0;
  std::array<uint8_t, kMeasurementSize> measurement{};
  std::array<uint8_t, kReportDataSize> report_data{};
  uint64_t timestamp = 0;
  Bytes host_public_key;  // DER SubjectPublicKeyInfo
  Bytes signature;
  size_t signed_size = 0;     // bytes covered by the signature
  size_t evidence_size = 0;   // bytes up to the end of the signature
  size_t trailing_bytes = 0;  // ignored bytes after the signature
};

// Decodes the layout above (no cryptographic checks).
Result<Evidence> parse(std::span<const uint8_t> bytes);

// The keep's software measurement: SHA-384 over a domain string and each
// component prefixed by its length (u64 LE), so that moving bytes from one
// component to the next changes the digest.
std::array<uint8_t, kMeasurementSize> measure(std::span<const uint8_t> shim,
                                              std::span<const uint8_t> keep_program,
                                              std::span<const uint8_t> workload);

struct CreateInputs {
  std::array<uint8_t, kMeasurementSize> measurement{};
  std::array<uint8_t, kReportDataSize> report_data{};
  TimePoint timestamp;
};
// Produces signed evidence with `host_key` (an EC P-256 or Ed25519 private key).
Result<Bytes> create(const CreateInputs& in, EVP_PKEY* host_key);

// A host public key as DER SubjectPublicKeyInfo, from PEM ("PUBLIC KEY" or a
// certificate) or DER (SPKI or certificate) bytes. Re-encoded, so that keys
// compare byte for byte.
Result<Bytes> load_host_public_key(std::span<const uint8_t> pem_or_der);
// SPKI DER of a key pair's public half.
Result<Bytes> public_key_der(EVP_PKEY* key);

struct VerifyInputs {
  std::vector<Bytes> trusted_host_keys;  // SPKI DER (load_host_public_key)
  TimePoint at;                          // verification time
};

// Claims of decoded evidence: platform kvm, confidential = false always.
Claims claims_from(const Evidence& ev);

// Parses, checks the signature and that the host key is trusted. Claims are
// filled whenever the evidence parses.
Verification verify(std::span<const uint8_t> bytes, const VerifyInputs& in);

// For many verifications against the same trusted keys (a steward): the keys
// are parsed once, so evidence signed by a trusted key costs one signature
// verification plus parsing. Same checks and results as verify().
class Verifier {
 public:
  // Fails when a key is not a P-256 or Ed25519 SubjectPublicKeyInfo.
  static Result<Verifier> create(const std::vector<Bytes>& trusted_host_keys);
  ~Verifier();
  Verifier(Verifier&&) noexcept;
  Verifier& operator=(Verifier&&) noexcept;

  Verification verify(std::span<const uint8_t> bytes, TimePoint at) const;

 private:
  struct Impl;
  explicit Verifier(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace cloister::attest::kvm
