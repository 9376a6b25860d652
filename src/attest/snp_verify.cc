// SPDX-License-Identifier: Apache-2.0
//
// SEV-SNP report verification; the order of the checks is documented in
// docs/attestation-snp.md. Every check runs even after one has failed, so the
// result lists everything that is wrong.
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <algorithm>
#include <mutex>
#include <unordered_map>

#include "attest/snp.h"
#include "attest/snp_chain.h"
#include "attest/snp_checks.h"
#include "base/byte_reader.h"
#include "base/hex.h"

namespace cloister::attest::snp {
namespace {

// R or S: 72 little-endian bytes, of which the low 48 are significant.
BIGNUM* le_to_bn(std::span<const uint8_t, 72> le) {
  uint8_t be[72];
  std::reverse_copy(le.begin(), le.end(), be);
  return BN_bin2bn(be, sizeof(be), nullptr);
}

// ECDSA P-384 with SHA-384 over bytes [0, 0x2A0) (AMD #56860, "Signature
// Format" in chapter "Cryptographic Algorithms").
Result<void> verify_report_signature(EVP_PKEY* key, std::span<const uint8_t> report,
                                     const Report& r) {
  std::unique_ptr<ECDSA_SIG, decltype(&ECDSA_SIG_free)> sig(ECDSA_SIG_new(), ECDSA_SIG_free);
  BIGNUM* bn_r = le_to_bn(r.signature_r);
  BIGNUM* bn_s = le_to_bn(r.signature_s);
  if (!sig || bn_r == nullptr || bn_s == nullptr || ECDSA_SIG_set0(sig.get(), bn_r, bn_s) != 1) {
    BN_free(bn_r);
    BN_free(bn_s);
    return fail("out of memory");
  }
  unsigned char der[160];
  unsigned char* p = der;
  if (i2d_ECDSA_SIG(sig.get(), nullptr) > static_cast<int>(sizeof(der)))
    return fail("signature R/S too large");
  int der_len = i2d_ECDSA_SIG(sig.get(), &p);
  if (der_len <= 0) return fail("cannot encode the signature");

  uint8_t digest[SHA384_DIGEST_LENGTH];
  SHA384(report.data(), kSignedSize, digest);
  x509::PkeyCtxPtr ctx(EVP_PKEY_CTX_new(key, nullptr));
  if (!ctx || EVP_PKEY_verify_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_signature_md(ctx.get(), EVP_sha384()) != 1)
    return fail("cannot set up ECDSA P-384 verification");
  if (EVP_PKEY_verify(ctx.get(), der, static_cast<size_t>(der_len), digest, sizeof(digest)) != 1)
    return fail(
        "the ECDSA P-384 signature over bytes 0x000-0x29F does not verify with the key of "
        "the supplied certificate");
  return ok();
}

// SHA-256 over everything that determines a CheckedChain.
Bytes cache_key(const VerifyInputs& in, Product report_product, uint8_t report_key) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  auto add_u64 = [&](uint64_t v) {
    uint8_t b[8];
    for (int i = 0; i < 8; ++i) b[i] = static_cast<uint8_t>(v >> (8 * i));
    EVP_DigestUpdate(ctx.get(), b, 8);
  };
  add_u64(in.certs.size());
  for (const Bytes& c : in.certs) {
    add_u64(c.size());
    EVP_DigestUpdate(ctx.get(), c.data(), c.size());
  }
  add_u64(in.crls.size());
  for (const Bytes& c : in.crls) {
    add_u64(c.size());
    EVP_DigestUpdate(ctx.get(), c.data(), c.size());
  }
  add_u64(static_cast<uint64_t>(report_product));
  add_u64(report_key);
  Bytes out(32);
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx.get(), out.data(), &len);
  return out;
}

struct BytesHash {
  size_t operator()(const Bytes& b) const {
    size_t h = 0;
    for (size_t i = 0; i < sizeof(size_t) && i < b.size(); ++i) h = h << 8 | b[i];
    return h;  // the key is already a SHA-256
  }
};

}  // namespace

struct Verifier::Impl {
  size_t max_entries;
  mutable std::mutex mu;
  std::unordered_map<Bytes, std::shared_ptr<const CheckedChain>, BytesHash> cache;

  std::shared_ptr<const CheckedChain> chain(const VerifyInputs& in, Product report_product,
                                            uint8_t report_key) {
    Bytes key = cache_key(in, report_product, report_key);
    {
      std::lock_guard lock(mu);
      if (auto it = cache.find(key); it != cache.end()) return it->second;
    }
    auto built = check_chain(in.certs, in.crls, report_product, report_key);
    std::lock_guard lock(mu);
    if (cache.size() >= max_entries) cache.clear();
    cache.emplace(std::move(key), built);
    return built;
  }
};

Verifier::Verifier(size_t max_cached_chains) : impl_(std::make_unique<Impl>()) {
  impl_->max_entries = std::max<size_t>(1, max_cached_chains);
}
Verifier::~Verifier() = default;

size_t Verifier::cached_chains() const {
  std::lock_guard lock(impl_->mu);
  return impl_->cache.size();
}

Verification Verifier::verify(std::span<const uint8_t> bytes, const VerifyInputs& in) {
  Verification v;
  v.claims.platform = Platform::SevSnp;

  // 1. Structure.
  auto parsed = parse_report(bytes, &v.notes);
  if (!parsed) {
    uint32_t version = 0;
    ByteReader r(bytes);
    const bool unknown_version = bytes.size() >= kReportSize && r.read_u32le(&version);
    v.failures.push_back({unknown_version ? FailureKind::Unsupported : FailureKind::Malformed,
                          parsed.error().message()});
    return v;
  }
  const Report& report = *parsed;
  const std::span<const uint8_t> report_bytes = bytes.first(kReportSize);
  const Product report_prod = report_product(report);

  // 2. Certificate chain (cached): VCEK/VLEK -> ASK/ASVK -> pinned ARK, CRLs.
  std::shared_ptr<const CheckedChain> chain = impl_->chain(in, report_prod, report.signing_key);
  const Product product = chain->product != Product::Unknown ? chain->product : report_prod;
  v.claims = claims_from_report(report, product);
  v.failures = chain->failures;
  if (chain->leaf_info) {
    v.claims.cpu.product_name = chain->leaf_info->product_name;
    v.claims.details["signing_cert"] = chain->signing_cert;
  }
  for (const Window& w : chain->windows)
    v.claims.collateral.push_back({w.collateral_name, w.validity.not_before, w.validity.not_after});

  // 3. The report and the certificates must agree on product and key kind.
  if (report_prod != Product::Unknown && chain->product != Product::Unknown &&
      report_prod != chain->product) {
    v.failures.push_back({FailureKind::CertChainInvalid,
                          "the report's CPUID says " + std::string(to_string(report_prod)) +
                              " but the certificate is for " +
                              std::string(to_string(chain->product))});
  }
  if (report.signature_algo != 1) {
    v.failures.push_back({FailureKind::Unsupported, "SIGNATURE_ALGO " +
                                                        std::to_string(report.signature_algo) +
                                                        " is not 1 (ECDSA P-384 with SHA-384)"});
  }
  const SigningKey report_key = report.signing_key_kind();
  if (report_key != SigningKey::Vcek && report_key != SigningKey::Vlek) {
    v.failures.push_back({FailureKind::Unsupported, "SIGNING_KEY " +
                                                        std::to_string(report.signing_key) +
                                                        " is neither VCEK (0) nor VLEK (1)"});
  } else if (chain->key_kind && *chain->key_kind != report_key) {
    v.failures.push_back({FailureKind::CertChainInvalid,
                          std::string("the report is signed by a ") +
                              (report_key == SigningKey::Vlek ? "VLEK" : "VCEK") +
                              " (SIGNING_KEY " + std::to_string(report.signing_key) +
                              ") but the certificate is a " +
                              (*chain->key_kind == SigningKey::Vlek ? "VLEK" : "VCEK")});
  }

  // 4. Validity of every certificate and CRL at the verification time.
  check_windows(chain->windows, in.at, &v.failures);

  // 5. The VCEK/VLEK is for this report's TCB and (VCEK) chip.
  if (chain->leaf_info) {
    check_reported_tcb(report, product, *chain->leaf_info, &v.failures);
    if (report_key == SigningKey::Vcek)
      check_chip_id(report, product, *chain->leaf_info, &v.notes, &v.failures);
  }

  // 6. The signature.
  if (chain->leaf_key != nullptr) {
    if (auto r = verify_report_signature(chain->leaf_key, report_bytes, report); !r)
      v.failures.push_back({FailureKind::ReportSignatureInvalid, r.error().message()});
  }
  return v;
}

Verification verify(std::span<const uint8_t> report_bytes, const VerifyInputs& inputs) {
  Verifier verifier(1);
  return verifier.verify(report_bytes, inputs);
}

}  // namespace cloister::attest::snp
