// SPDX-License-Identifier: Apache-2.0
//
// End-to-end tests of `cloister attest`: build/cloister is run as a user
// would run it, over every case of the shared evidence and over bad inputs.
#include <gtest/gtest.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>

#include <nlohmann/json.hpp>

#include "../attest/evidence_cases.h"
#include "attest/kvm_evidence.h"
#include "base/file.h"
#include "base/time.h"
#include "cli_runner.h"

namespace cloister {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::run_cloister;
using testing::RunResult;

using evidence_cases::all_cases;
using evidence_cases::evidence_dir;

#define REQUIRE_CLI_AND_EVIDENCE()                                                  \
  do {                                                                              \
    if (!fs::exists(testing::cloister_binary()))                                    \
      GTEST_SKIP() << "build/cloister not built at " << testing::cloister_binary(); \
    if (!evidence_cases::have_evidence())                                           \
      GTEST_SKIP() << "shared evidence not found under " << evidence_dir();         \
  } while (0)

std::string path_of(const json& rel) {
  return (evidence_dir() / rel.get<std::string>()).string();
}

json find_case(const std::string& id) {
  for (auto& c : all_cases())
    if (c["id"] == id) return c;
  return nullptr;
}

// The `cloister attest verify` arguments for a case, as its README says.
std::vector<std::string> verify_args(const json& c) {
  std::vector<std::string> a = {"attest", "verify", path_of(c["evidence"])};
  for (const auto& cert : c["certs"]) a.insert(a.end(), {"--cert", path_of(cert)});
  if (!c["collateral"].is_null()) a.insert(a.end(), {"--collateral", path_of(c["collateral"])});
  a.insert(a.end(), {"--at", c["verify_at"].get<std::string>()});
  for (const auto& skip : c["skip_checks"])
    a.insert(a.end(), {"--skip-check", skip.get<std::string>()});
  return a;
}

json parse_json(const RunResult& r) {
  json j = json::parse(r.out, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << "stdout is not JSON:\n" << r.out << "\nstderr:\n" << r.err;
  return j;
}

// The failure kind a case's `also_failing` entry corresponds to.
std::string kind_of(const std::string& also) {
  return also == "tcb_info_not_yet_valid" ? "not_yet_valid" : also;
}

void expect_claims(const json& expected, const json& claims, const std::string& id) {
  ASSERT_TRUE(claims.contains("details")) << id;
  for (const auto& [key, value] : expected.items()) {
    ASSERT_TRUE(claims["details"].contains(key)) << id << ": claim '" << key << "' missing";
    EXPECT_EQ(claims["details"][key], value) << id << ": claim '" << key << "'";
  }
}

TEST(AttestCli, VerifyEveryCase) {
  REQUIRE_CLI_AND_EVIDENCE();
  auto cases = all_cases();
  ASSERT_EQ(cases.size(), 32u);
  for (const auto& c : cases) {
    const std::string id = c["id"];
    SCOPED_TRACE(id);
    auto args = verify_args(c);
    args.push_back("--json");
    RunResult r = run_cloister(args);
    const bool expect_ok = c["expect"] == "verified";
    EXPECT_EQ(r.exit_code, expect_ok ? 0 : 1) << r.err;
    json j = parse_json(r);
    if (j.is_discarded()) continue;
    EXPECT_EQ(j["verified"], expect_ok);
    EXPECT_TRUE(j["policy"].is_null());
    EXPECT_EQ(j["verified_at"], c["verify_at"]);
    expect_claims(c["claims"], j["claims"], id);

    std::set<std::string> kinds;
    for (const auto& f : j["failures"]) {
      kinds.insert(f["kind"].get<std::string>());
      EXPECT_FALSE(f["message"].get<std::string>().empty());
      // Every reason also goes to stderr.
      EXPECT_NE(r.err.find(f["message"].get<std::string>()), std::string::npos);
    }
    if (expect_ok) {
      EXPECT_TRUE(kinds.empty());
      EXPECT_TRUE(r.err.empty()) << r.err;
    } else {
      std::set<std::string> allowed = {c["expect"].get<std::string>()};
      for (const auto& a : c["also_failing"]) allowed.insert(kind_of(a));
      bool expected_seen = kinds.contains(c["expect"].get<std::string>());
      for (const auto& a : c["also_failing"]) expected_seen |= kinds.contains(kind_of(a));
      EXPECT_TRUE(expected_seen) << "expected " << c["expect"] << ", got " << j["failures"];
      for (const auto& k : kinds)
        EXPECT_TRUE(allowed.contains(k))
            << "unexpected failure kind " << k << ": " << j["failures"];
    }
    if (c["platform"] != "snp" && expect_ok) {
      EXPECT_EQ(j["claims"]["tcb_status"], c["tcb_status"]);
      auto advisories = j["claims"]["advisories"].get<std::vector<std::string>>();
      auto want = c["advisories"].get<std::vector<std::string>>();
      std::sort(advisories.begin(), advisories.end());
      std::sort(want.begin(), want.end());
      EXPECT_EQ(advisories, want);
    }
    EXPECT_EQ(j["claims"]["platform"], c["platform"]);
    EXPECT_EQ(j["claims"]["confidential"], true);
  }
}

// The cases whose collateral lacks something verify only when the user waives
// exactly that check; without the waiver they fail, naming it.
TEST(AttestCli, SkipChecksAreNeededAndNamed) {
  REQUIRE_CLI_AND_EVIDENCE();
  size_t seen = 0;
  for (const auto& c : all_cases()) {
    if (c["skip_checks"].empty()) continue;
    SCOPED_TRACE(c["id"].get<std::string>());
    auto args = verify_args(c);
    std::vector<std::string> without;
    for (size_t i = 0; i < args.size(); ++i) {
      if (args[i] == "--skip-check") {
        ++i;
        continue;
      }
      without.push_back(args[i]);
    }
    RunResult r = run_cloister(without);
    EXPECT_EQ(r.exit_code, 1);
    const std::string check = c["skip_checks"][0];
    EXPECT_NE(r.err.find(check == "pck_crl" ? "pck_crl:" : "root_ca_crl:"), std::string::npos)
        << r.err;
    RunResult waived = run_cloister(args);
    if (c["expect"] == "verified") {
      EXPECT_EQ(waived.exit_code, 0) << waived.err;
      EXPECT_NE(waived.out.find("waived by request"), std::string::npos) << waived.out;
    }
    ++seen;
  }
  EXPECT_EQ(seen, 3u);
  auto bad = verify_args(find_case("dcapqvl-tdx-v4"));
  bad.insert(bad.end(), {"--skip-check", "quote_signature"});
  RunResult r = run_cloister(bad);
  EXPECT_EQ(r.exit_code, 5);
  EXPECT_NE(r.err.find("unknown check 'quote_signature'"), std::string::npos) << r.err;
}

TEST(AttestCli, VerifyTextOutputAndExitCodes) {
  REQUIRE_CLI_AND_EVIDENCE();
  for (const auto& c : all_cases()) {
    SCOPED_TRACE(c["id"].get<std::string>());
    RunResult r = run_cloister(verify_args(c));
    if (c["expect"] == "verified") {
      EXPECT_EQ(r.exit_code, 0) << r.err;
      EXPECT_NE(r.out.find("verification: passed"), std::string::npos) << r.out;
    } else {
      EXPECT_EQ(r.exit_code, 1);
      EXPECT_NE(r.out.find("verification: FAILED"), std::string::npos) << r.out;
      EXPECT_NE(r.err.find("verification failed: [" + c["expect"].get<std::string>() + "]"),
                std::string::npos)
          << r.err;
    }
  }
}

TEST(AttestCli, ShowEveryCase) {
  REQUIRE_CLI_AND_EVIDENCE();
  for (const auto& c : all_cases()) {
    const std::string id = c["id"];
    SCOPED_TRACE(id);
    RunResult text = run_cloister({"attest", "show", path_of(c["evidence"])});
    EXPECT_EQ(text.exit_code, 0) << text.err;
    for (const char* label :
         {"Evidence", "format:", c["evidence_format"].get_ref<const std::string&>().c_str(),
          "Platform", "Measurements", "TCB", "CPU", "report data:"})
      EXPECT_NE(text.out.find(label), std::string::npos) << "missing '" << label << "'";
    // Long hex and lists are wrapped: no line but the file path passes 100 columns.
    std::istringstream lines(text.out);
    for (std::string line; std::getline(lines, line);)
      if (!line.starts_with("  file:")) {
        EXPECT_LE(line.size(), 100u) << line;
      }

    RunResult j = run_cloister({"attest", "show", "--json", path_of(c["evidence"])});
    EXPECT_EQ(j.exit_code, 0) << j.err;
    json doc = parse_json(j);
    if (doc.is_discarded()) continue;
    EXPECT_EQ(doc["format"], c["evidence_format"]);
    // SNP v2 reports need the VCEK to know their product; everything else
    // the evidence states by itself.
    json expected = c["claims"];
    if (c["platform"] == "snp" && expected["cpuid"].is_null()) {
      expected.erase("product");
      // With its certificate, `show` names the product of a v2 report too.
      RunResult named = run_cloister(
          {"attest", "show", "--json", "--cert", path_of(c["certs"][0]), path_of(c["evidence"])});
      EXPECT_EQ(named.exit_code, 0) << named.err;
      json named_doc = parse_json(named);
      EXPECT_EQ(named_doc["claims"]["details"]["product"], c["claims"]["product"]);
      EXPECT_EQ(named_doc["claims"]["cpu"]["product_name"],
                c["signing_cert"]["extensions"]["productName"]);
    }
    expect_claims(expected, doc["claims"], id);
  }
}

class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() /
            ("cloister-cli-" + std::to_string(getpid()) + "-" + std::to_string(counter_++));
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string write(const std::string& name, const std::string& content) {
    std::ofstream(path_ / name, std::ios::binary) << content;
    return (path_ / name).string();
  }
  std::string write(const std::string& name, const std::vector<uint8_t>& content) {
    return write(name, std::string(content.begin(), content.end()));
  }

 private:
  static inline int counter_ = 0;
  fs::path path_;
};

TEST(AttestCli, BadEvidenceInputs) {
  REQUIRE_CLI_AND_EVIDENCE();
  TempDir dir;
  auto report = *read_file(path_of(find_case("mstav-genoa-v3")["evidence"]));
  auto quote = *read_file(path_of(find_case("dcapqvl-tdx-v4")["evidence"]));
  struct BadInput {
    std::string name, path, message;
  } inputs[] = {
      {"missing", "/nonexistent/evidence.bin", "cannot read evidence"},
      {"empty", dir.write("empty.bin", std::string()), "is empty"},
      {"garbage", dir.write("garbage.bin", std::string("this is not attestation evidence\n")),
       "unrecognised evidence format"},
      {"truncated report",
       dir.write("short-report.bin", std::vector<uint8_t>(report.begin(), report.begin() + 600)),
       "cannot decode evidence"},
      {"truncated quote",
       dir.write("short-quote.bin", std::vector<uint8_t>(quote.begin(), quote.begin() + 1000)),
       "cannot decode evidence"},
      {"directory", evidence_dir().string(), "cannot read evidence"},
  };
  for (const auto& in : inputs) {
    SCOPED_TRACE(in.name);
    for (const char* cmd : {"show", "verify"}) {
      RunResult r = run_cloister({"attest", cmd, in.path});
      EXPECT_EQ(r.exit_code, 3) << cmd << "\n" << r.err;
      EXPECT_NE(r.err.find(in.message), std::string::npos) << cmd << ": " << r.err;
      EXPECT_TRUE(r.out.empty()) << r.out;
    }
  }
}

TEST(AttestCli, BadOptions) {
  REQUIRE_CLI_AND_EVIDENCE();
  json c = find_case("mstav-genoa-v3");
  auto args = verify_args(c);
  auto with = [&](std::vector<std::string> extra) {
    auto a = args;
    a.insert(a.end(), extra.begin(), extra.end());
    return run_cloister(a);
  };
  RunResult at = run_cloister({"attest", "verify", path_of(c["evidence"]), "--at", "yesterday"});
  EXPECT_EQ(at.exit_code, 5);
  EXPECT_NE(at.err.find("--at: invalid RFC 3339 time 'yesterday'"), std::string::npos) << at.err;
  RunResult fmt = with({"--format", "sev"});
  EXPECT_EQ(fmt.exit_code, 5);
  EXPECT_NE(fmt.err.find("unknown evidence format 'sev'"), std::string::npos) << fmt.err;
  RunResult mismatch = with({"--format", "intel-dcap-quote-v4"});
  EXPECT_EQ(mismatch.exit_code, 3);
  EXPECT_NE(mismatch.err.find("is snp-attestation-report, not intel-dcap-quote-v4"),
            std::string::npos)
      << mismatch.err;
  RunResult cert = with({"--cert", "/nonexistent/vcek.der"});
  EXPECT_EQ(cert.exit_code, 5);
  EXPECT_NE(cert.err.find("/nonexistent/vcek.der"), std::string::npos) << cert.err;
  RunResult coll = with({"--collateral", "/nonexistent-dir"});
  EXPECT_EQ(coll.exit_code, 5);
  EXPECT_NE(coll.err.find("--collateral"), std::string::npos) << coll.err;
  // Usage errors from the argument parser are non-zero too.
  EXPECT_NE(run_cloister({"attest", "verify"}).exit_code, 0);
  EXPECT_NE(run_cloister({"attest"}).exit_code, 0);
  // Without its VCEK the report cannot verify: a clear failure, exit 1.
  RunResult no_cert = run_cloister({"attest", "verify", path_of(c["evidence"]), "--json"});
  EXPECT_EQ(no_cert.exit_code, 1) << no_cert.err;
  EXPECT_FALSE(no_cert.err.empty());
}

// Repeatable options take one value each, so they may come before EVIDENCE.
TEST(AttestCli, OptionsBeforeTheEvidence) {
  REQUIRE_CLI_AND_EVIDENCE();
  json c = find_case("mstav-genoa-v3");
  RunResult r = run_cloister({"attest", "verify", "--cert", path_of(c["certs"][0]), "--cert",
                              path_of(c["certs"][1]), "--at", c["verify_at"].get<std::string>(),
                              path_of(c["evidence"])});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST(AttestCli, PolicyDeniesMilanAcceptsGenoaAndTurin) {
  REQUIRE_CLI_AND_EVIDENCE();
  TempDir dir;
  const std::string policy = dir.write("deny-milan.toml",
                                       "[platforms]\nallow_debug = true\n"
                                       "[cpu]\ndeny_products = [\"Milan\"]\n");
  size_t checked = 0;
  for (const auto& c : all_cases()) {
    if (c["platform"] != "snp" || c["expect"] != "verified") continue;
    SCOPED_TRACE(c["id"].get<std::string>());
    auto args = verify_args(c);
    args.insert(args.end(), {"--policy", policy, "--json"});
    RunResult r = run_cloister(args);
    json j = parse_json(r);
    if (c["claims"]["product"] == "Milan") {
      EXPECT_EQ(r.exit_code, 2) << r.err;
      EXPECT_EQ(j["verified"], true);
      EXPECT_EQ(j["policy"]["accepted"], false);
      ASSERT_EQ(j["policy"]["violations"].size(), 1u);
      EXPECT_EQ(j["policy"]["violations"][0]["rule"], "cpu.deny_products");
      EXPECT_NE(r.err.find("policy rejected: [cpu.deny_products] CPU product 'Milan'"),
                std::string::npos)
          << r.err;
    } else {
      EXPECT_EQ(r.exit_code, 0) << r.err;
      EXPECT_EQ(j["policy"]["accepted"], true);
    }
    ++checked;
  }
  EXPECT_EQ(checked, 13u);
}

TEST(AttestCli, PolicyOnIntelStatusAndDebug) {
  REQUIRE_CLI_AND_EVIDENCE();
  TempDir dir;
  const std::string uptodate =
      dir.write("uptodate.toml", "[tcb]\nintel_statuses = [\"UpToDate\"]\n");
  auto args = verify_args(find_case("dcapqvl-sgx-v3"));
  args.insert(args.end(), {"--policy", uptodate});
  RunResult sgx = run_cloister(args);
  EXPECT_EQ(sgx.exit_code, 2) << sgx.err;
  EXPECT_NE(sgx.err.find("[tcb.intel_statuses] TCB status 'ConfigurationAndSWHardeningNeeded'"),
            std::string::npos)
      << sgx.err;
  auto tdx = verify_args(find_case("dcapqvl-tdx-v4"));
  tdx.insert(tdx.end(), {"--policy", uptodate});
  EXPECT_EQ(run_cloister(tdx).exit_code, 0);

  // TCB minimum, FMSPC deny-list and measurement allow-list on the real TDX quote
  // (TEE_TCB_SVN[0] = 6, FMSPC b0c06f000000): every violated rule is reported.
  const json tdx_case = find_case("dcapqvl-tdx-v4");
  const std::string strict =
      dir.write("tdx-strict.toml",
                "[cpu]\ndeny_fmspcs = [\"b0c06f000000\"]\n[tcb.minimum]\ntdx_comp_00 = 7\n"
                "[measurements]\nmrtd = [\"" +
                    std::string(96, '0') + "\"]\n");
  auto strict_args = verify_args(tdx_case);
  strict_args.insert(strict_args.end(), {"--policy", strict, "--json"});
  RunResult s = run_cloister(strict_args);
  EXPECT_EQ(s.exit_code, 2) << s.err;
  std::set<std::string> rules;
  const json strict_doc = parse_json(s);
  for (const auto& v : strict_doc["policy"]["violations"]) rules.insert(v["rule"]);
  EXPECT_EQ(rules, (std::set<std::string>{"cpu.deny_fmspcs", "tcb.minimum.tdx_comp_00",
                                          "measurements.mrtd"}));
  const std::string exact =
      dir.write("tdx-exact.toml", "[tcb.minimum]\ntdx_comp_00 = 6\n[measurements]\nmrtd = [\"" +
                                      tdx_case["claims"]["mrtd"].get<std::string>() + "\"]\n");
  auto exact_args = verify_args(tdx_case);
  exact_args.insert(exact_args.end(), {"--policy", exact});
  EXPECT_EQ(run_cloister(exact_args).exit_code, 0);

  // The default policy forbids debug guests: gsg-milan-v2 is one.
  const std::string empty = dir.write("empty.toml", "");
  auto debug = verify_args(find_case("gsg-milan-v2"));
  debug.insert(debug.end(), {"--policy", empty});
  RunResult d = run_cloister(debug);
  EXPECT_EQ(d.exit_code, 2);
  EXPECT_NE(d.err.find("[platforms.allow_debug]"), std::string::npos) << d.err;

  // A failed verification wins over a policy rejection, and both are reported.
  auto failed = verify_args(find_case("trustee-milan-v3-vlek-expired"));
  const std::string deny = dir.write("deny.toml", "[cpu]\ndeny_products = [\"Milan\"]\n");
  failed.insert(failed.end(), {"--policy", deny});
  RunResult f = run_cloister(failed);
  EXPECT_EQ(f.exit_code, 1);
  EXPECT_NE(f.err.find("verification failed: [expired]"), std::string::npos) << f.err;
  EXPECT_NE(f.err.find("policy rejected: [cpu.deny_products]"), std::string::npos) << f.err;
}

TEST(AttestCli, BadPolicyFile) {
  REQUIRE_CLI_AND_EVIDENCE();
  TempDir dir;
  const std::string bad = dir.write("bad.toml", "[cpu]\ndeny_product = [\"Milan\"]\n");
  auto args = verify_args(find_case("mstav-genoa-v3"));
  args.insert(args.end(), {"--policy", bad});
  RunResult r = run_cloister(args);
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_NE(r.err.find(bad + ":2:1: unknown key 'deny_product' in [cpu]"), std::string::npos)
      << r.err;
  auto missing = verify_args(find_case("mstav-genoa-v3"));
  missing.insert(missing.end(), {"--policy", "/nonexistent/policy.toml"});
  EXPECT_EQ(run_cloister(missing).exit_code, 4);
}

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};

TEST(AttestCli, KvmEvidence) {
  if (!fs::exists(testing::cloister_binary()))
    GTEST_SKIP() << "build/cloister not built at " << testing::cloister_binary();
  TempDir dir;
  std::unique_ptr<EVP_PKEY, PkeyFree> key(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  attest::kvm::CreateInputs in;
  in.measurement.fill(0x5a);
  in.timestamp = *parse_rfc3339("2026-11-27T10:00:00Z");
  const std::string ev = dir.write("kvm.bin", *attest::kvm::create(in, key.get()));
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(bio, key.get());
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  const std::string key_pem = dir.write("host.pem", std::string(data, static_cast<size_t>(len)));
  BIO_free(bio);

  RunResult show = run_cloister({"attest", "show", ev});
  EXPECT_EQ(show.exit_code, 0) << show.err;
  EXPECT_NE(show.out.find("not confidential: the host can read and modify keep memory"),
            std::string::npos)
      << show.out;
  EXPECT_NE(show.out.find("kvm-evidence"), std::string::npos);

  const std::vector<std::string> base = {"attest", "verify", ev, "--at", "2026-11-27T10:05:00Z"};
  auto with = [&](std::vector<std::string> extra) {
    auto a = base;
    a.insert(a.end(), extra.begin(), extra.end());
    return run_cloister(a);
  };
  RunResult ok = with({"--host-key", key_pem, "--json"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  json j = parse_json(ok);
  EXPECT_EQ(j["claims"]["platform"], "kvm");
  EXPECT_EQ(j["claims"]["confidential"], false);
  std::string expected_measurement;
  for (int i = 0; i < 48; ++i) expected_measurement += "5a";
  EXPECT_EQ(j["claims"]["measurements"]["measurement"], expected_measurement);
  RunResult untrusted = with({});
  EXPECT_EQ(untrusted.exit_code, 1);
  EXPECT_NE(untrusted.err.find("[collateral_missing]"), std::string::npos) << untrusted.err;

  // A policy must say explicitly that it accepts non-confidential keeps.
  const std::string strict = dir.write("strict.toml", "");
  RunResult rejected = with({"--host-key", key_pem, "--policy", strict});
  EXPECT_EQ(rejected.exit_code, 2);
  EXPECT_NE(rejected.err.find("[platforms.allow_non_confidential]"), std::string::npos)
      << rejected.err;
  const std::string lenient =
      dir.write("lenient.toml", "[platforms]\nallow_non_confidential = true\nallow = [\"kvm\"]\n");
  EXPECT_EQ(with({"--host-key", key_pem, "--policy", lenient}).exit_code, 0);

  // Tampering with the measurement breaks the host signature.
  auto bytes = *read_file(ev);
  bytes[20] ^= 1;
  const std::string tampered = dir.write("tampered.bin", bytes);
  RunResult t = run_cloister(
      {"attest", "verify", tampered, "--at", "2026-11-27T10:05:00Z", "--host-key", key_pem});
  EXPECT_EQ(t.exit_code, 1);
  EXPECT_NE(t.err.find("[report_signature_invalid]"), std::string::npos) << t.err;
}

}  // namespace
}  // namespace cloister
