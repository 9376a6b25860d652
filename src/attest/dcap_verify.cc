// SPDX-License-Identifier: Apache-2.0
//
// DCAP quote verification in the order of Intel's QVL (sgxAttestationVerifyQuote):
//   1. decode the quote and its PCK chain;
//   2. PCK chain to the pinned Intel SGX Root CA at `at`, root CA CRL and PCK CRL;
//   3. QE report signed by the PCK key; QE report data binds the attestation key
//      and QE auth data; quote signed by the attestation key;
//   4. TCB Info and QE Identity: issuer chains, signatures over their exact bytes,
//      validity windows;
//   5. FMSPC / PCE ID match, TCB level (platform, TDX module), QE identity and
//      its TCB level, converged status.
// Unlike QVL, every failed check is reported, not only the first. Work that
// does not depend on the quote or the time (collateral parsing, issuer chains,
// collateral signatures) is done once per DcapVerifier; PCK chains are cached
// per platform.
#include <algorithm>
#include <cstring>
#include <mutex>
#include <unordered_map>

#include "attest/dcap.h"
#include "attest/dcap_claims.h"
#include "attest/dcap_pck.h"
#include "attest/dcap_tcb.h"
#include "attest/qe_identity.h"
#include "attest/tcb_info.h"
#include "attest/x509.h"
#include "base/hex.h"
#include "base/time.h"

namespace cloister::attest::dcap {
namespace {

using x509::X509Ptr;

// Bound on cached PCK chains (one per platform seen); cleared when full.
constexpr size_t kMaxCachedPckChains = 4096;

std::span<X509* const> raw_chain(const std::vector<X509Ptr>& chain, std::vector<X509*>* storage) {
  storage->clear();
  for (const auto& c : chain) storage->push_back(c.get());
  return *storage;
}

void add_all(std::vector<Failure>* out, const std::vector<Failure>& more) {
  out->insert(out->end(), more.begin(), more.end());
}

// Checks `at` against a window, naming the thing checked.
void check_window(const std::string& name, TimePoint from, TimePoint until, TimePoint at,
                  std::vector<Failure>* out) {
  if (at < from)
    out->push_back(
        {FailureKind::NotYetValid,
         name + ": not valid before " +
             (from == TimePoint::max() ? std::string("year 2262") : format_rfc3339(from)) +
             " (checked at " + format_rfc3339(at) + ")"});
  else if (at > until)
    out->push_back({FailureKind::Expired, name + ": expired at " + format_rfc3339(until) +
                                              " (checked at " + format_rfc3339(at) + ")"});
}

// The validity window of every certificate of a chain (plus the pinned root
// when the chain stops below it), precomputed so that per-call time checks are
// comparisons only.
struct CertWindow {
  std::string name;  // "pck_chain: certificate 0 ('Intel SGX PCK Certificate')"
  x509::Validity validity;
};

void collect_windows(const std::vector<X509Ptr>& chain, const std::string& chain_name,
                     const X509* root, std::span<const uint8_t> pinned,
                     std::vector<CertWindow>* out, std::vector<Failure>* failures) {
  std::vector<const X509*> certs;
  for (const auto& c : chain) certs.push_back(c.get());
  if (!certs.empty() && root != nullptr &&
      !std::ranges::equal(x509::spki_sha256(certs.back()), pinned))
    certs.push_back(root);
  for (size_t i = 0; i < certs.size(); ++i) {
    const std::string name = chain_name + ": certificate " + std::to_string(i) + " ('" +
                             x509::subject_cn(certs[i]) + "')";
    auto v = x509::cert_validity(certs[i]);
    if (!v) {
      failures->push_back({FailureKind::Malformed, name + ": " + v.error().message()});
      continue;
    }
    out->push_back({name, *v});
  }
}

std::string window_text(TimePoint from, TimePoint until) {
  return format_rfc3339(from) + ".." + format_rfc3339(until);
}

// A signed PCS document (TCB Info or QE Identity) with its issuer chain.
template <typename Doc>
struct SignedCollateral {
  std::optional<Doc> doc;
  bool authentic = false;         // issuer chain and signature verified
  std::vector<X509Ptr> chain;     // issuer chain, for the per-call time checks
  std::vector<Failure> failures;  // time-independent failures
};

}  // namespace

struct DcapVerifier::State {
  bool have_collateral = false;
  X509Ptr root;  // the embedded Intel SGX Root CA
  Bytes pinned_spki;
  x509::CrlPtr root_crl;  // only when its signature verified
  std::optional<x509::Validity> root_crl_window;
  x509::CrlPtr pck_crl;
  std::optional<x509::Validity> pck_crl_window;
  std::vector<X509Ptr> pck_crl_issuer_chain;
  SignedCollateral<TcbInfo> tcb_info;
  SignedCollateral<QeIdentity> qe_identity;
  std::vector<Failure> collateral_failures;  // time-independent
  std::vector<CertWindow> collateral_cert_windows;
  nlohmann::json collateral_info;

  struct PckEntry {
    std::vector<X509Ptr> chain;
    std::optional<PckExtensions> ext;
    std::vector<Failure> failures;  // time-independent (signatures, CRLs, extensions)
    std::vector<CertWindow> windows;
    std::optional<x509::Validity> pck_validity;  // of the leaf, for the claims
  };
  mutable std::mutex mu;
  mutable std::unordered_map<std::string, std::shared_ptr<const PckEntry>> pck_cache;
  // Attestation keys by their x||y bytes: a QE keeps its key until it restarts,
  // and importing a key costs about a third of a signature verification.
  mutable std::unordered_map<std::string, std::shared_ptr<EVP_PKEY>> key_cache;
  Result<std::shared_ptr<EVP_PKEY>> attestation_key(std::span<const uint8_t> xy) const;

  State(std::optional<Collateral> collateral, std::string_view root_pem);
  std::shared_ptr<const PckEntry> pck_entry(const Quote& quote) const;
  std::shared_ptr<const PckEntry> build_pck_entry(const Quote& quote) const;
  void check_times(TimePoint at, std::vector<Failure>* out) const;
  template <typename Doc>
  void load_signed(const std::string& json, std::span<const uint8_t> issuer_pem, const char* name,
                   FailureKind bad_signature, Result<Doc> (*parse)(std::string_view),
                   SignedCollateral<Doc>* out);
};

template <typename Doc>
void DcapVerifier::State::load_signed(const std::string& json, std::span<const uint8_t> issuer_pem,
                                      const char* name, FailureKind bad_signature,
                                      Result<Doc> (*parse)(std::string_view),
                                      SignedCollateral<Doc>* out) {
  const std::string chain_name = std::string(name) + "_issuer_chain";
  if (json.empty()) {
    out->failures.push_back({FailureKind::CollateralMissing, std::string(name) + ": not supplied"});
    return;
  }
  auto doc = parse(json);
  if (!doc) {
    out->failures.push_back({FailureKind::Malformed, doc.error().message()});
    return;
  }
  out->doc = std::move(*doc);
  if (issuer_pem.empty()) {
    out->failures.push_back({FailureKind::CollateralMissing, chain_name + ": not supplied"});
    return;
  }
  auto chain = x509::load_certs_pem(issuer_pem);
  if (!chain) {
    out->failures.push_back({FailureKind::Malformed, chain_name + ": " + chain.error().message()});
    return;
  }
  out->chain = std::move(*chain);
  collect_windows(out->chain, chain_name, root.get(), pinned_spki, &collateral_cert_windows,
                  &out->failures);
  std::vector<X509*> raw;
  x509::ChainOptions opts;
  opts.name = chain_name;
  if (root_crl) opts.crls.push_back(root_crl.get());
  auto chain_failures =
      x509::verify_chain(raw_chain(out->chain, &raw), pinned_spki, root.get(), opts);
  // Time failures are re-evaluated at every call; keep only the others here.
  bool chain_ok = true;
  for (auto& f : chain_failures) {
    if (f.kind == FailureKind::Expired || f.kind == FailureKind::NotYetValid) continue;
    chain_ok = false;
    out->failures.push_back(std::move(f));
  }
  // Only Intel's TCB Signing certificate, issued directly by the root, may sign
  // collateral: any other key under the root (a PCK, whose private key lives in
  // a platform that may be compromised) must not be able to vouch for a TCB.
  const X509* signer = out->chain.front().get();
  const size_t below_root =
      out->chain.size() - (x509::spki_sha256(out->chain.back().get()) == pinned_spki ? 1 : 0);
  if (x509::subject_cn(signer).find("SGX TCB Signing") == std::string::npos || below_root != 1) {
    out->failures.push_back({FailureKind::CertChainInvalid,
                             chain_name + ": the signer '" + x509::subject_cn(signer) +
                                 "' is not a TCB Signing certificate issued by the root"});
    chain_ok = false;
  }
  auto key = X509_get0_pubkey(signer);
  const std::string& body = out->doc->signed_body.body;
  auto sig = x509::verify_p256_rs(
      key, std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(body.data()), body.size()),
      out->doc->signed_body.signature);
  if (!sig)
    out->failures.push_back(
        {bad_signature,
         std::string(name) + ": signature over the \"" +
             (bad_signature == FailureKind::TcbInfoSignatureInvalid ? "tcbInfo"
                                                                    : "enclaveIdentity") +
             "\" bytes does not verify with '" + x509::subject_cn(out->chain.front().get()) +
             "': " + sig.error().message()});
  out->authentic = chain_ok && sig.has_value();
}

DcapVerifier::State::State(std::optional<Collateral> collateral, std::string_view root_pem) {
  auto roots = x509::load_certs_pem(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(root_pem.data()), root_pem.size()));
  if (roots && roots->size() == 1) {
    root = std::move(roots->front());
    pinned_spki = x509::spki_sha256(root.get());
  }
  // The embedded Intel root must carry the published key; anything else is a build defect.
  if (root_pem == kIntelSgxRootCaPem && pinned_spki != *from_hex(kIntelRootSpkiSha256))
    root.reset();
  if (!collateral) return;
  have_collateral = true;
  const Collateral& c = *collateral;
  auto& cf = collateral_failures;

  if (c.root_ca_crl.empty()) {
    cf.push_back({FailureKind::CollateralMissing, "root_ca_crl: not supplied"});
  } else if (auto crl = x509::load_crl(c.root_ca_crl); !crl) {
    cf.push_back({FailureKind::Malformed, "root_ca_crl: " + crl.error().message()});
  } else if (auto sig = x509::verify_crl_signed_by(crl->get(), root.get()); !sig) {
    cf.push_back({FailureKind::CertChainInvalid, "root_ca_crl: " + sig.error().message()});
  } else if (auto w = x509::crl_validity(crl->get()); !w) {
    cf.push_back({FailureKind::Malformed, "root_ca_crl: " + w.error().message()});
  } else {
    root_crl = std::move(*crl);
    root_crl_window = *w;
  }

  if (c.pck_crl.empty()) {
    cf.push_back({FailureKind::CollateralMissing, "pck_crl: not supplied"});
  } else if (auto crl = x509::load_crl(c.pck_crl); !crl) {
    cf.push_back({FailureKind::Malformed, "pck_crl: " + crl.error().message()});
  } else if (auto w = x509::crl_validity(crl->get()); !w) {
    cf.push_back({FailureKind::Malformed, "pck_crl: " + w.error().message()});
  } else {
    pck_crl = std::move(*crl);
    pck_crl_window = *w;
  }
  // The PCK CRL is authenticated against the CA in each quote's PCK chain; its
  // issuer chain file is checked too, so broken collateral does not go unnoticed.
  if (!c.pck_crl_issuer_chain.empty()) {
    auto chain = x509::load_certs_pem(c.pck_crl_issuer_chain);
    if (!chain) {
      cf.push_back({FailureKind::Malformed, "pck_crl_issuer_chain: " + chain.error().message()});
    } else {
      pck_crl_issuer_chain = std::move(*chain);
      collect_windows(pck_crl_issuer_chain, "pck_crl_issuer_chain", root.get(), pinned_spki,
                      &collateral_cert_windows, &cf);
      std::vector<X509*> raw;
      x509::ChainOptions opts;
      opts.name = "pck_crl_issuer_chain";
      if (root_crl) opts.crls.push_back(root_crl.get());
      for (auto& f :
           x509::verify_chain(raw_chain(pck_crl_issuer_chain, &raw), pinned_spki, root.get(), opts))
        if (f.kind != FailureKind::Expired && f.kind != FailureKind::NotYetValid)
          cf.push_back(std::move(f));
      if (pck_crl) {
        if (auto sig =
                x509::verify_crl_signed_by(pck_crl.get(), pck_crl_issuer_chain.front().get());
            !sig)
          cf.push_back({FailureKind::CertChainInvalid, "pck_crl: " + sig.error().message()});
      }
    }
  }

  load_signed<TcbInfo>(c.tcb_info_json, c.tcb_info_issuer_chain, "tcb_info",
                       FailureKind::TcbInfoSignatureInvalid, &parse_tcb_info, &tcb_info);
  load_signed<QeIdentity>(c.qe_identity_json, c.qe_identity_issuer_chain, "qe_identity",
                          FailureKind::QeIdentitySignatureInvalid, &parse_qe_identity,
                          &qe_identity);
  add_all(&cf, tcb_info.failures);
  add_all(&cf, qe_identity.failures);

  nlohmann::json& info = collateral_info;
  info["tcb_info_version"] = tcb_info.doc ? nlohmann::json(tcb_info.doc->version) : nullptr;
  info["tcb_evaluation_data_number"] =
      tcb_info.doc ? nlohmann::json(tcb_info.doc->tcb_evaluation_data_number) : nullptr;
  info["tcb_info_valid"] =
      tcb_info.doc
          ? nlohmann::json(tcb_info.doc->issue_date_text + ".." + tcb_info.doc->next_update_text)
          : nullptr;
  info["qe_identity_valid"] = qe_identity.doc
                                  ? nlohmann::json(qe_identity.doc->issue_date_text + ".." +
                                                   qe_identity.doc->next_update_text)
                                  : nullptr;
  info["pck_crl_valid"] =
      pck_crl_window
          ? nlohmann::json(window_text(pck_crl_window->not_before, pck_crl_window->not_after))
          : nullptr;
  info["root_ca_crl_valid"] =
      root_crl_window
          ? nlohmann::json(window_text(root_crl_window->not_before, root_crl_window->not_after))
          : nullptr;
}

void DcapVerifier::State::check_times(TimePoint at, std::vector<Failure>* out) const {
  if (!have_collateral) return;
  if (tcb_info.doc)
    check_window("tcb_info", tcb_info.doc->issue_date, tcb_info.doc->next_update, at, out);
  if (qe_identity.doc)
    check_window("qe_identity", qe_identity.doc->issue_date, qe_identity.doc->next_update, at, out);
  if (pck_crl_window)
    check_window("pck_crl", pck_crl_window->not_before, pck_crl_window->not_after, at, out);
  if (root_crl_window)
    check_window("root_ca_crl", root_crl_window->not_before, root_crl_window->not_after, at, out);
  for (const auto& w : collateral_cert_windows)
    check_window(w.name, w.validity.not_before, w.validity.not_after, at, out);
}

std::shared_ptr<const DcapVerifier::State::PckEntry> DcapVerifier::State::build_pck_entry(
    const Quote& quote) const {
  auto entry = std::make_shared<PckEntry>();
  auto chain = pck_chain_from_quote(quote);
  if (!chain) {
    entry->failures.push_back({quote.cert_data_type == kCertDataPckChain
                                   ? FailureKind::Malformed
                                   : FailureKind::CollateralMissing,
                               "pck_chain: " + chain.error().message()});
    return entry;
  }
  entry->chain = std::move(*chain);
  if (auto w = x509::cert_validity(entry->chain.front().get())) entry->pck_validity = *w;
  collect_windows(entry->chain, "pck_chain", root.get(), pinned_spki, &entry->windows,
                  &entry->failures);
  // QVL 4.1.2.4.4: the leaf must be a PCK certificate, not some other Intel certificate.
  if (x509::subject_cn(entry->chain.front().get()).find("SGX PCK Certificate") == std::string::npos)
    entry->failures.push_back(
        {FailureKind::CertChainInvalid, "pck_chain: the leaf '" +
                                            x509::subject_cn(entry->chain.front().get()) +
                                            "' is not an SGX PCK Certificate"});
  if (auto ext = pck_extensions(entry->chain.front().get())) {
    entry->ext = *ext;
  } else {
    entry->failures.push_back({FailureKind::Malformed, "pck_chain: " + ext.error().message()});
  }
  std::vector<X509*> raw;
  x509::ChainOptions opts;
  opts.name = "pck_chain";
  if (root_crl) opts.crls.push_back(root_crl.get());
  for (auto& f : x509::verify_chain(raw_chain(entry->chain, &raw), pinned_spki, root.get(), opts))
    if (f.kind != FailureKind::Expired && f.kind != FailureKind::NotYetValid)
      entry->failures.push_back(std::move(f));
  // The PCK CRL must come from the PCK's own issuer (Platform or Processor CA).
  if (pck_crl) {
    const X509* leaf = entry->chain.front().get();
    if (entry->chain.size() < 2) {
      entry->failures.push_back(
          {FailureKind::CertChainInvalid, "pck_crl: the PCK chain has no issuing CA"});
    } else if (auto sig = x509::verify_crl_signed_by(pck_crl.get(), entry->chain[1].get()); !sig) {
      entry->failures.push_back({FailureKind::CertChainInvalid,
                                 "pck_crl: not usable for the PCK issued by '" +
                                     x509::issuer_cn(leaf) + "': " + sig.error().message()});
    } else if (x509::is_revoked(pck_crl.get(), leaf)) {
      entry->failures.push_back(
          {FailureKind::Revoked,
           "pck_crl: the PCK certificate is revoked by '" + x509::issuer_cn(leaf) + "'"});
    }
  }
  return entry;
}

std::shared_ptr<const DcapVerifier::State::PckEntry> DcapVerifier::State::pck_entry(
    const Quote& quote) const {
  Bytes key_bytes = x509::sha256(quote.cert_data);
  std::string key(key_bytes.begin(), key_bytes.end());
  key.push_back(static_cast<char>(quote.cert_data_type));
  {
    std::lock_guard lock(mu);
    if (auto it = pck_cache.find(key); it != pck_cache.end()) return it->second;
  }
  auto entry = build_pck_entry(quote);
  std::lock_guard lock(mu);
  if (pck_cache.size() >= kMaxCachedPckChains) pck_cache.clear();
  pck_cache.emplace(key, entry);
  return entry;
}

Result<std::shared_ptr<EVP_PKEY>> DcapVerifier::State::attestation_key(
    std::span<const uint8_t> xy) const {
  std::string id(xy.begin(), xy.end());
  {
    std::lock_guard lock(mu);
    if (auto it = key_cache.find(id); it != key_cache.end()) return it->second;
  }
  CLOISTER_TRY_ASSIGN(x509::PkeyPtr key, x509::p256_key_from_xy(xy));
  std::shared_ptr<EVP_PKEY> shared(key.release(), EVP_PKEY_free);
  std::lock_guard lock(mu);
  if (key_cache.size() >= kMaxCachedPckChains) key_cache.clear();
  key_cache.emplace(std::move(id), shared);
  return shared;
}

DcapVerifier::DcapVerifier(std::optional<Collateral> collateral, std::string_view root_ca_pem)
    : state_(std::make_unique<State>(std::move(collateral), root_ca_pem)) {}
DcapVerifier::~DcapVerifier() = default;
DcapVerifier::DcapVerifier(DcapVerifier&&) noexcept = default;
DcapVerifier& DcapVerifier::operator=(DcapVerifier&&) noexcept = default;

Verification DcapVerifier::verify(std::span<const uint8_t> bytes, TimePoint at) const {
  Verification v;
  const State& s = *state_;
  auto& failures = v.failures;
  if (!s.root) {
    failures.push_back({FailureKind::Malformed, "the root CA certificate does not load"});
    return v;
  }
  auto parsed = parse_quote(bytes, &v.notes);
  if (!parsed) {
    failures.push_back({FailureKind::Malformed, "quote: " + parsed.error().message()});
    return v;
  }
  const Quote& q = *parsed;
  auto pck = s.pck_entry(q);
  fill_quote_claims(q, pck->chain.empty() ? nullptr : &pck->chain, pck->ext ? &*pck->ext : nullptr,
                    bytes, &v.claims);
  Claims& claims = v.claims;

  // PCK chain and CRLs.
  add_all(&failures, pck->failures);
  for (const auto& w : pck->windows)
    check_window(w.name, w.validity.not_before, w.validity.not_after, at, &failures);
  if (pck->pck_validity)
    claims.collateral.push_back(
        {"pck", pck->pck_validity->not_before, pck->pck_validity->not_after});

  // QE report: signed by the PCK key and binding the attestation key.
  if (!pck->chain.empty()) {
    EVP_PKEY* pck_key = X509_get0_pubkey(pck->chain.front().get());
    if (auto r = x509::verify_p256_rs(pck_key, q.qe_report_raw, q.qe_report_signature); !r)
      failures.push_back(
          {FailureKind::QeReportInvalid, "qe_report: signature by the PCK key does not verify"});
  }
  Bytes binding(q.attestation_key.begin(), q.attestation_key.end());
  binding.insert(binding.end(), q.qe_auth_data.begin(), q.qe_auth_data.end());
  Bytes expected = x509::sha256(binding);
  expected.resize(64, 0);  // the upper 32 bytes of the report data must be zero
  if (!std::equal(expected.begin(), expected.end(), q.qe_report.report_data.begin()))
    failures.push_back({FailureKind::QeReportInvalid,
                        "qe_report: report data is not SHA-256(attestation key || QE auth data) "
                        "followed by 32 zero bytes"});

  // The quote itself, signed by the attestation key.
  if (auto key = s.attestation_key(q.attestation_key); !key) {
    failures.push_back(
        {FailureKind::ReportSignatureInvalid, "quote: attestation key: " + key.error().message()});
  } else if (auto r = x509::verify_p256_rs(key->get(), q.signed_data, q.signature); !r) {
    failures.push_back({FailureKind::ReportSignatureInvalid,
                        "quote: signature by the attestation key does not verify"});
  }

  nlohmann::json& d = claims.details;
  if (!s.have_collateral) {
    failures.push_back({FailureKind::CollateralMissing,
                        "collateral: not supplied (TCB Info, QE Identity and CRLs are needed)"});
    return v;
  }
  add_all(&failures, s.collateral_failures);
  s.check_times(at, &failures);
  d["collateral_info"] = s.collateral_info;
  const TcbInfo* tcb = s.tcb_info.authentic ? &*s.tcb_info.doc : nullptr;
  const QeIdentity* qe_id = s.qe_identity.authentic ? &*s.qe_identity.doc : nullptr;
  if (s.tcb_info.doc)
    claims.collateral.push_back(
        {"tcb_info", s.tcb_info.doc->issue_date, s.tcb_info.doc->next_update});
  if (s.qe_identity.doc)
    claims.collateral.push_back(
        {"qe_identity", s.qe_identity.doc->issue_date, s.qe_identity.doc->next_update});
  if (s.pck_crl_window)
    claims.collateral.push_back(
        {"pck_crl", s.pck_crl_window->not_before, s.pck_crl_window->not_after});
  if (s.root_crl_window)
    claims.collateral.push_back(
        {"root_ca_crl", s.root_crl_window->not_before, s.root_crl_window->not_after});

  // QE identity.
  std::string qe_status;
  std::vector<std::string> advisories;
  d["qe_tcb_status"] = nullptr;
  if (qe_id != nullptr) {
    const char* want = q.tdx ? "TD_QE" : "QE";
    if (qe_id->id != want)
      failures.push_back(
          {FailureKind::QeIdentityMismatch,
           "qe_identity: is for \"" + qe_id->id + "\", the quote needs \"" + want + "\""});
    QeEvaluation e = evaluate_qe_identity(*qe_id, q.qe_report);
    add_all(&failures, e.failures);
    qe_status = e.status;
    if (!qe_status.empty()) d["qe_tcb_status"] = qe_status;
    advisories = e.advisories;
  }

  // Platform TCB.
  d["tcb_status"] = nullptr;
  d["advisories"] = nullptr;
  if (q.tdx) d["tdx_module"] = nullptr;
  if (tcb != nullptr && pck->ext) {
    const PckExtensions& ext = *pck->ext;
    if (tcb->is_tdx() != q.tdx.has_value())
      failures.push_back({FailureKind::FmspcMismatch,
                          std::string("tcb_info: is for ") + (tcb->is_tdx() ? "TDX" : "SGX") +
                              " but the quote is " + (q.tdx ? "TDX" : "SGX")});
    if (tcb->fmspc != ext.fmspc)
      failures.push_back(
          {FailureKind::FmspcMismatch, "tcb_info: is for FMSPC " + to_hex(tcb->fmspc) +
                                           ", the PCK certificate has " + to_hex(ext.fmspc)});
    if (tcb->pce_id != ext.pce_id)
      failures.push_back(
          {FailureKind::FmspcMismatch, "tcb_info: is for PCE ID " + to_hex(tcb->pce_id) +
                                           ", the PCK certificate has " + to_hex(ext.pce_id)});
    TcbEvaluation e = evaluate_platform_tcb(*tcb, ext, q.tdx ? &*q.tdx : nullptr);
    add_all(&failures, e.failures);
    if (e.module_id)
      d["tdx_module"] = {{"id", *e.module_id},
                         {"status", e.module_status.empty() ? nlohmann::json(nullptr)
                                                            : nlohmann::json(e.module_status)}};
    if (!e.platform_status.empty()) {
      std::vector<std::string> all = e.platform_advisories;
      for (const auto* extra : {&e.module_advisories, &advisories})
        for (const auto& a : *extra)
          if (std::find(all.begin(), all.end(), a) == all.end()) all.push_back(a);
      claims.tcb_status = converge_status(e.platform_status, qe_status, e.module_status);
      claims.advisories = all;
      d["tcb_status"] = claims.tcb_status;
      d["advisories"] = all;
      if (claims.tcb_status == "Revoked")
        failures.push_back({FailureKind::TcbRevoked, "tcb_status: the platform TCB level (" +
                                                         e.platform_status + "), QE level (" +
                                                         qe_status + ") or TDX module level (" +
                                                         e.module_status + ") is Revoked"});
    }
  }
  return v;
}

Verification verify(std::span<const uint8_t> quote_bytes, const VerifyInputs& inputs) {
  DcapVerifier verifier(inputs.collateral);
  return verifier.verify(quote_bytes, inputs.at);
}

}  // namespace cloister::attest::dcap
