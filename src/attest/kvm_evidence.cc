// SPDX-License-Identifier: Apache-2.0
#include "attest/kvm_evidence.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>

#include "base/byte_reader.h"
#include "base/hex.h"
#include "base/time.h"

namespace cloister::attest::kvm {

namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
struct X509Free {
  void operator()(X509* p) const { X509_free(p); }
};
struct BioFree {
  void operator()(BIO* p) const { BIO_free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

// How far the host's timestamp may lie after the verification time before the
// evidence counts as "not yet valid" (hosts' clocks drift).
constexpr std::chrono::seconds kClockSkew{300};

// Timestamps must fit the nanosecond system clock (which ends in 2262).
constexpr uint64_t kMaxTimestamp = (uint64_t{1} << 33) - 1;

void put_u16(Bytes& out, uint16_t v) {
  out.push_back(static_cast<uint8_t>(v));
  out.push_back(static_cast<uint8_t>(v >> 8));
}
void put_u32(Bytes& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
void put_u64(Bytes& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

// The algorithm a key signs with, or an error for unsupported key types.
Result<SignatureAlgorithm> algorithm_of(EVP_PKEY* key) {
  if (EVP_PKEY_is_a(key, "ED25519")) return SignatureAlgorithm::Ed25519;
  if (EVP_PKEY_is_a(key, "EC")) {
    char group[64] = {};
    size_t len = 0;
    if (EVP_PKEY_get_group_name(key, group, sizeof group, &len) == 1 &&
        std::string_view(group, len) == "prime256v1")
      return SignatureAlgorithm::EcdsaP256Sha256;
    return fail("host key is an EC key on curve '", std::string_view(group, len),
                "'; kvm evidence needs P-256 (prime256v1)");
  }
  return fail("host key type '", EVP_PKEY_get0_type_name(key),
              "' is not supported (use EC P-256 or Ed25519)");
}

Result<PkeyPtr> parse_spki(std::span<const uint8_t> der) {
  const unsigned char* p = der.data();
  PkeyPtr key(d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size())));
  if (!key) return fail("host public key is not a DER SubjectPublicKeyInfo");
  if (p != der.data() + der.size())
    return fail("host public key has ", static_cast<size_t>(der.data() + der.size() - p),
                " bytes after its DER encoding");
  return key;
}

std::string key_fingerprint(std::span<const uint8_t> spki) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(spki.data(), spki.size(), md, &len, EVP_sha256(), nullptr);
  return to_hex(std::span<const uint8_t>(md, len));
}

}  // namespace

std::string_view to_string(SignatureAlgorithm a) {
  switch (a) {
    case SignatureAlgorithm::EcdsaP256Sha256:
      return "ecdsa-p256-sha256";
    case SignatureAlgorithm::Ed25519:
      return "ed25519";
  }
  return "unknown";
}

Result<Evidence> parse(std::span<const uint8_t> bytes) {
  ByteReader r(bytes);
  std::span<const uint8_t> magic;
  if (!r.read_bytes(kMagic.size(), &magic))
    return fail("kvm evidence: ", bytes.size(), " bytes is too short for the magic");
  if (std::string_view(reinterpret_cast<const char*>(magic.data()), magic.size()) != kMagic)
    return fail("kvm evidence: bad magic at offset 0 (expected \"CLSTRKVM\")");
  Evidence ev;
  uint16_t alg = 0;
  if (!r.read_u16le(&ev.version) || !r.read_u16le(&alg) || !r.read_u32le(&ev.flags))
    return fail("kvm evidence: truncated header at offset ", r.offset());
  if (ev.version != kVersion)
    return fail("kvm evidence: version ", ev.version, " at offset 8 is not supported (only ",
                kVersion, ")");
  if (alg != 1 && alg != 2)
    return fail("kvm evidence: unknown signature algorithm ", alg, " at offset 10");
  ev.algorithm = static_cast<SignatureAlgorithm>(alg);
  if (ev.flags != 0)
    return fail("kvm evidence: reserved flags at offset 12 are ", ev.flags, ", must be 0");
  if (!r.copy_bytes(ev.measurement.data(), ev.measurement.size()) ||
      !r.copy_bytes(ev.report_data.data(), ev.report_data.size()) || !r.read_u64le(&ev.timestamp))
    return fail("kvm evidence: truncated at offset ", r.offset(), " (header is ", kHeaderSize,
                " bytes)");
  if (ev.timestamp > kMaxTimestamp)
    return fail("kvm evidence: timestamp ", ev.timestamp, " at offset 128 is beyond 2242 (max ",
                kMaxTimestamp, ")");
  uint16_t key_len = 0;
  std::span<const uint8_t> key;
  if (!r.read_u16le(&key_len))
    return fail("kvm evidence: truncated at offset ", r.offset(), " (host public key length)");
  if (key_len == 0 || key_len > kMaxPublicKeySize)
    return fail("kvm evidence: host public key length ", key_len, " at offset ", r.offset() - 2,
                " is out of range 1..", kMaxPublicKeySize);
  if (!r.read_bytes(key_len, &key))
    return fail("kvm evidence: host public key of ", key_len, " bytes at offset ", r.offset(),
                " is truncated (", r.remaining(), " bytes left)");
  ev.host_public_key.assign(key.begin(), key.end());
  ev.signed_size = r.offset();
  uint16_t sig_len = 0;
  std::span<const uint8_t> sig;
  if (!r.read_u16le(&sig_len))
    return fail("kvm evidence: truncated at offset ", r.offset(), " (signature length)");
  if (sig_len == 0 || sig_len > kMaxSignatureSize)
    return fail("kvm evidence: signature length ", sig_len, " at offset ", r.offset() - 2,
                " is out of range 1..", kMaxSignatureSize);
  if (!r.read_bytes(sig_len, &sig))
    return fail("kvm evidence: signature of ", sig_len, " bytes at offset ", r.offset(),
                " is truncated (", r.remaining(), " bytes left)");
  ev.signature.assign(sig.begin(), sig.end());
  ev.evidence_size = r.offset();
  ev.trailing_bytes = r.remaining();
  return ev;
}

std::array<uint8_t, kMeasurementSize> measure(std::span<const uint8_t> shim,
                                              std::span<const uint8_t> keep_program,
                                              std::span<const uint8_t> workload) {
  static constexpr std::string_view kDomain = "cloister kvm measurement v1";
  MdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_DigestInit_ex(ctx.get(), EVP_sha384(), nullptr);
  EVP_DigestUpdate(ctx.get(), kDomain.data(), kDomain.size());
  for (auto part : {shim, keep_program, workload}) {
    Bytes len;
    put_u64(len, part.size());
    EVP_DigestUpdate(ctx.get(), len.data(), len.size());
    EVP_DigestUpdate(ctx.get(), part.data(), part.size());
  }
  std::array<uint8_t, kMeasurementSize> out{};
  unsigned int out_len = 0;
  EVP_DigestFinal_ex(ctx.get(), out.data(), &out_len);
  return out;
}

Result<Bytes> public_key_der(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  int len = i2d_PUBKEY(key, &der);
  if (len <= 0) return fail("cannot encode the host public key as SubjectPublicKeyInfo");
  Bytes out(der, der + len);
  OPENSSL_free(der);
  return out;
}

Result<Bytes> load_host_public_key(std::span<const uint8_t> in) {
  PkeyPtr key;
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(in.data(), static_cast<int>(in.size())));
  if (!bio) return fail("out of memory reading a host public key");
  key.reset(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  if (!key) {
    BIO_reset(bio.get());
    std::unique_ptr<X509, X509Free> cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (cert) key.reset(X509_get_pubkey(cert.get()));
  }
  if (!key) {
    const unsigned char* p = in.data();
    key.reset(d2i_PUBKEY(nullptr, &p, static_cast<long>(in.size())));
  }
  if (!key) {
    const unsigned char* p = in.data();
    std::unique_ptr<X509, X509Free> cert(d2i_X509(nullptr, &p, static_cast<long>(in.size())));
    if (cert) key.reset(X509_get_pubkey(cert.get()));
  }
  if (!key)
    return fail("not a public key or certificate (PEM \"PUBLIC KEY\"/\"CERTIFICATE\" or DER)");
  CLOISTER_TRY(algorithm_of(key.get()));
  return public_key_der(key.get());
}

Result<Bytes> create(const CreateInputs& in, EVP_PKEY* host_key) {
  if (host_key == nullptr) return fail("kvm evidence: no host key");
  CLOISTER_TRY_ASSIGN(SignatureAlgorithm alg, algorithm_of(host_key));
  CLOISTER_TRY_ASSIGN(Bytes spki, public_key_der(host_key));
  const auto secs =
      std::chrono::duration_cast<std::chrono::seconds>(in.timestamp.time_since_epoch());
  if (secs.count() < 0 || static_cast<uint64_t>(secs.count()) > kMaxTimestamp)
    return fail("kvm evidence: timestamp outside 1970..2242");

  Bytes out(kMagic.begin(), kMagic.end());
  put_u16(out, kVersion);
  put_u16(out, static_cast<uint16_t>(alg));
  put_u32(out, 0);
  out.insert(out.end(), in.measurement.begin(), in.measurement.end());
  out.insert(out.end(), in.report_data.begin(), in.report_data.end());
  put_u64(out, static_cast<uint64_t>(secs.count()));
  put_u16(out, static_cast<uint16_t>(spki.size()));
  out.insert(out.end(), spki.begin(), spki.end());

  MdCtxPtr ctx(EVP_MD_CTX_new());
  size_t sig_len = 0;
  if (!ctx ||
      EVP_DigestSignInit_ex(ctx.get(), nullptr,
                            alg == SignatureAlgorithm::Ed25519 ? nullptr : "SHA256", nullptr,
                            nullptr, host_key, nullptr) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &sig_len, out.data(), out.size()) != 1)
    return fail("kvm evidence: cannot sign with the host key");
  Bytes sig(sig_len);
  if (EVP_DigestSign(ctx.get(), sig.data(), &sig_len, out.data(), out.size()) != 1)
    return fail("kvm evidence: signing failed");
  sig.resize(sig_len);
  put_u16(out, static_cast<uint16_t>(sig.size()));
  out.insert(out.end(), sig.begin(), sig.end());
  return out;
}

Claims claims_from(const Evidence& ev) {
  Claims c;
  c.platform = Platform::Kvm;
  c.confidential = false;  // always: the host sees and controls keep memory
  c.debug = false;
  c.labels = {"not confidential: the host can read and modify keep memory",
              "measured and signed by the host, not by a CPU vendor's hardware"};
  c.measurements["measurement"] = Bytes(ev.measurement.begin(), ev.measurement.end());
  c.report_data = Bytes(ev.report_data.begin(), ev.report_data.end());
  c.signing_key = "kvm-host";
  c.evidence_time = TimePoint(std::chrono::seconds(
      static_cast<int64_t>(std::min<uint64_t>(ev.timestamp, uint64_t{1} << 40))));

  auto& d = c.details;
  d["format_version"] = ev.version;
  d["signature_algorithm"] = std::string(to_string(ev.algorithm));
  d["measurement"] = to_hex(ev.measurement);
  d["report_data"] = to_hex(ev.report_data);
  d["timestamp"] = format_rfc3339(*c.evidence_time);
  d["host_key_sha256"] = key_fingerprint(ev.host_public_key);
  d["host_public_key"] = to_hex(ev.host_public_key);
  d["evidence_bytes"] = ev.evidence_size;
  d["trailing_bytes"] = ev.trailing_bytes;
  return c;
}

namespace {

// A trusted host key: its canonical SPKI DER and, when already parsed (by a
// Verifier), the key itself.
struct TrustedKey {
  Bytes der;
  EVP_PKEY* key = nullptr;  // borrowed; null when not parsed yet
};

Verification verify_with(std::span<const uint8_t> bytes, std::span<const TrustedKey> trusted,
                         TimePoint at) {
  Verification v;
  auto parsed = parse(bytes);
  if (!parsed) {
    v.failures.push_back({FailureKind::Malformed, parsed.error().message()});
    return v;
  }
  const Evidence& ev = *parsed;
  v.claims = claims_from(ev);
  if (ev.trailing_bytes != 0)
    v.notes.push_back("kvm evidence: " + std::to_string(ev.trailing_bytes) +
                      " trailing bytes after the signature ignored");
  const std::string fingerprint = v.claims.details["host_key_sha256"].get<std::string>();

  // Trust: the host key must be one the verifier was told to trust. Keys are
  // compared as canonical SPKI DER (load_host_public_key and create() write
  // that), so PEM, DER and certificate inputs agree; a non-canonical encoding
  // in the evidence is re-encoded before comparing.
  const TrustedKey* match = nullptr;
  for (const auto& t : trusted)
    if (t.der == ev.host_public_key) match = &t;
  PkeyPtr owned;
  EVP_PKEY* key = match != nullptr ? match->key : nullptr;
  if (key == nullptr) {
    auto k = parse_spki(ev.host_public_key);
    if (!k) {
      v.failures.push_back({FailureKind::Malformed, "kvm evidence: " + k.error().message()});
      return v;
    }
    owned = std::move(*k);
    key = owned.get();
    if (match == nullptr) {
      auto canonical = public_key_der(key);
      for (const auto& t : trusted)
        if (canonical && t.der == *canonical) match = &t;
    }
  }
  auto alg = algorithm_of(key);
  if (!alg) {
    v.failures.push_back({FailureKind::Unsupported, "kvm evidence: " + alg.error().message()});
    return v;
  }
  if (*alg != ev.algorithm) {
    v.failures.push_back({FailureKind::ReportSignatureInvalid,
                          "kvm evidence: signature algorithm field says " +
                              std::string(to_string(ev.algorithm)) + " but the host key is " +
                              std::string(to_string(*alg))});
  } else {
    MdCtxPtr ctx(EVP_MD_CTX_new());
    const bool ok =
        ctx &&
        EVP_DigestVerifyInit(ctx.get(), nullptr,
                             ev.algorithm == SignatureAlgorithm::Ed25519 ? nullptr : EVP_sha256(),
                             nullptr, key) == 1 &&
        EVP_DigestVerify(ctx.get(), ev.signature.data(), ev.signature.size(), bytes.data(),
                         ev.signed_size) == 1;
    if (!ok)
      v.failures.push_back(
          {FailureKind::ReportSignatureInvalid,
           "kvm evidence: the signature over the first " + std::to_string(ev.signed_size) +
               " bytes does not verify with the host key (SHA-256 " + fingerprint + ")"});
  }

  if (trusted.empty()) {
    v.failures.push_back({FailureKind::CollateralMissing,
                          "kvm evidence: no trusted host keys were given, so the host key "
                          "(SHA-256 " +
                              fingerprint + ") cannot be trusted"});
  } else if (match == nullptr) {
    v.failures.push_back({FailureKind::CertChainInvalid, "kvm evidence: host key (SHA-256 " +
                                                             fingerprint + ") is not one of the " +
                                                             std::to_string(trusted.size()) +
                                                             " trusted host keys"});
  }

  if (v.claims.evidence_time && *v.claims.evidence_time > at + kClockSkew)
    v.failures.push_back({FailureKind::NotYetValid,
                          "kvm evidence: timestamp " + format_rfc3339(*v.claims.evidence_time) +
                              " is after the verification time " + format_rfc3339(at)});
  return v;
}

}  // namespace

Verification verify(std::span<const uint8_t> bytes, const VerifyInputs& in) {
  std::vector<TrustedKey> trusted;
  for (const auto& k : in.trusted_host_keys) trusted.push_back({k, nullptr});
  return verify_with(bytes, trusted, in.at);
}

struct Verifier::Impl {
  std::vector<PkeyPtr> keys;
  std::vector<TrustedKey> trusted;
};

Verifier::Verifier(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Verifier::~Verifier() = default;
Verifier::Verifier(Verifier&&) noexcept = default;
Verifier& Verifier::operator=(Verifier&&) noexcept = default;

Result<Verifier> Verifier::create(const std::vector<Bytes>& trusted_host_keys) {
  auto impl = std::make_unique<Impl>();
  for (size_t i = 0; i < trusted_host_keys.size(); ++i) {
    auto key = parse_spki(trusted_host_keys[i]);
    if (!key)
      return Unexpected(key.error().with_context("trusted host key #" + std::to_string(i + 1)));
    CLOISTER_TRY(algorithm_of(key->get()));
    CLOISTER_TRY_ASSIGN(Bytes der, public_key_der(key->get()));
    impl->trusted.push_back({std::move(der), key->get()});
    impl->keys.push_back(std::move(*key));
  }
  return Verifier(std::move(impl));
}

Verification Verifier::verify(std::span<const uint8_t> bytes, TimePoint at) const {
  return verify_with(bytes, impl_->trusted, at);
}

}  // namespace cloister::attest::kvm
