// SPDX-License-Identifier: Apache-2.0
//
// Attestation verification throughput, single-threaded (= per core), next to
// the raw OpenSSL ECDSA verify rates measured in the same run (what `openssl
// speed ecdsap384` / `ecdsap256` report: one verify of a precomputed digest).
// A cached SNP verification needs one P-384 verify; a cached Intel quote two
// P-256 verifies (QE report by the PCK, quote by the attestation key), so
// their physical limits are the P-384 rate and half the P-256 rate.
//
// Run (Release build): build-rel/bench/bench_attest --benchmark_min_time=0.5
//   --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
// Figures and the exact command: docs/attestation.md.
#include <benchmark/benchmark.h>

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <filesystem>
#include <memory>
#include <string>

#include "attest/dcap.h"
#include "attest/kvm_evidence.h"
#include "attest/snp.h"
#include "base/file.h"
#include "base/time.h"

namespace {

using namespace cloister;
using namespace cloister::attest;
namespace fs = std::filesystem;

fs::path evidence_dir() {
  return fs::path(CLOISTER_TESTDATA_DIR) / "evidence";
}

Bytes read(const std::string& relative) {
  auto b = read_file((evidence_dir() / relative).string());
  return b ? *b : Bytes{};
}

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};

// Raw ECDSA verify of a precomputed digest, as `openssl speed ecdsapNNN` does.
void raw_ecdsa_verify(benchmark::State& state, const char* curve, size_t digest_len) {
  std::unique_ptr<EVP_PKEY, PkeyFree> key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", curve));
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> sign(EVP_PKEY_CTX_new(key.get(), nullptr));
  unsigned char digest[64] = {1, 2, 3};
  unsigned char sig[160];
  size_t sig_len = sizeof sig;
  if (!key || EVP_PKEY_sign_init(sign.get()) != 1 ||
      EVP_PKEY_sign(sign.get(), sig, &sig_len, digest, digest_len) != 1) {
    state.SkipWithError("cannot sign");
    return;
  }
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> verify(EVP_PKEY_CTX_new(key.get(), nullptr));
  EVP_PKEY_verify_init(verify.get());
  for (auto _ : state) {
    int ok = EVP_PKEY_verify(verify.get(), sig, sig_len, digest, digest_len);
    if (ok != 1) state.SkipWithError("verify failed");
    benchmark::DoNotOptimize(ok);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_OpenSslEcdsaP384Verify(benchmark::State& state) {
  raw_ecdsa_verify(state, "P-384", 48);
}
void BM_OpenSslEcdsaP256Verify(benchmark::State& state) {
  raw_ecdsa_verify(state, "P-256", 32);
}

// SNP: the Genoa report of ms-tav with its VCEK; ASK and ARK built in.
struct SnpInput {
  Bytes report;
  snp::VerifyInputs inputs;
};
SnpInput snp_input() {
  SnpInput in;
  in.report = read("snp/mstav-genoa-v3/report.bin");
  in.inputs.certs = {read("snp/mstav-genoa-v3/vcek.der")};
  in.inputs.at = *parse_rfc3339("2026-11-27T00:00:00Z");
  return in;
}

void BM_SnpVerifyCached(benchmark::State& state) {
  SnpInput in = snp_input();
  snp::Verifier verifier;
  if (in.report.empty() || !verifier.verify(in.report, in.inputs).verified()) {
    state.SkipWithError("SNP case missing or does not verify");
    return;
  }
  for (auto _ : state) {
    Verification v = verifier.verify(in.report, in.inputs);
    if (!v.verified()) state.SkipWithError("verification failed");
    benchmark::DoNotOptimize(v);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_SnpVerifyUncached(benchmark::State& state) {
  SnpInput in = snp_input();
  if (in.report.empty() || !snp::verify(in.report, in.inputs).verified()) {
    state.SkipWithError("SNP case missing or does not verify");
    return;
  }
  for (auto _ : state) {
    Verification v = snp::verify(in.report, in.inputs);
    benchmark::DoNotOptimize(v);
  }
  state.SetItemsProcessed(state.iterations());
}

// Intel: a quote with its collateral, verified as of the case's time.
void dcap_cached(benchmark::State& state, const std::string& dir, const char* at) {
  Bytes quote = read(dir + "/quote.bin");
  auto collateral = dcap::load_collateral_dir((evidence_dir() / dir / "collateral").string());
  const TimePoint when = *parse_rfc3339(at);
  if (quote.empty() || !collateral) {
    state.SkipWithError("Intel case missing");
    return;
  }
  dcap::DcapVerifier verifier(std::move(*collateral));
  Verification first = verifier.verify(quote, when);
  if (!first.verified()) {
    state.SkipWithError(
        ("does not verify: " + (first.failures.empty() ? std::string() : first.failures[0].message))
            .c_str());
    return;
  }
  for (auto _ : state) {
    Verification v = verifier.verify(quote, when);
    if (!v.verified()) state.SkipWithError("verification failed");
    benchmark::DoNotOptimize(v);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_TdxVerifyCached(benchmark::State& state) {
  dcap_cached(state, "tdx/dcapqvl-tdx-v4", "2025-07-19T10:00:34Z");
}
void BM_TdxV5VerifyCached(benchmark::State& state) {
  dcap_cached(state, "tdx/gotdx-tdx-v5-uptodate", "2026-03-01T00:00:00Z");
}
void BM_SgxVerifyCached(benchmark::State& state) {
  dcap_cached(state, "sgx/dcapqvl-sgx-v3", "2025-07-19T10:01:17Z");
}

void BM_KvmVerify(benchmark::State& state) {
  std::unique_ptr<EVP_PKEY, PkeyFree> key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  kvm::CreateInputs in;
  in.timestamp = *parse_rfc3339("2026-11-27T00:00:00Z");
  Bytes ev = *kvm::create(in, key.get());
  kvm::VerifyInputs vin{{*kvm::public_key_der(key.get())}, in.timestamp};
  for (auto _ : state) {
    Verification v = kvm::verify(ev, vin);
    if (!v.verified()) state.SkipWithError("verification failed");
    benchmark::DoNotOptimize(v);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_KvmVerifyCached(benchmark::State& state) {
  std::unique_ptr<EVP_PKEY, PkeyFree> key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  kvm::CreateInputs in;
  in.timestamp = *parse_rfc3339("2026-11-27T00:00:00Z");
  Bytes ev = *kvm::create(in, key.get());
  auto verifier = kvm::Verifier::create({*kvm::public_key_der(key.get())});
  if (!verifier) {
    state.SkipWithError("cannot create the verifier");
    return;
  }
  for (auto _ : state) {
    Verification v = verifier->verify(ev, in.timestamp);
    if (!v.verified()) state.SkipWithError("verification failed");
    benchmark::DoNotOptimize(v);
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(BM_OpenSslEcdsaP384Verify);
BENCHMARK(BM_OpenSslEcdsaP256Verify);
BENCHMARK(BM_SnpVerifyCached);
BENCHMARK(BM_SnpVerifyUncached);
BENCHMARK(BM_TdxVerifyCached);
BENCHMARK(BM_TdxV5VerifyCached);
BENCHMARK(BM_SgxVerifyCached);
BENCHMARK(BM_KvmVerify);
BENCHMARK(BM_KvmVerifyCached);

}  // namespace

BENCHMARK_MAIN();
