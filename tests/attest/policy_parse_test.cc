// SPDX-License-Identifier: Apache-2.0
//
// Parsing deployment policies: the full schema, and errors that name the
// file, line and column.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "attest/policy.h"
#include "base/file.h"
#include "policy_test_util.h"

namespace cloister::attest {
namespace {

using testing::hex_bytes;

constexpr std::string_view kFull = R"(
version = 1

[platforms]
allow = ["snp", "tdx", "sgx", "kvm"]
allow_non_confidential = true
allow_debug = false

[cpu]
deny_products = ["Milan", "Genoa-B1"]
deny_fmspcs = ["00906ea10000"]

[tcb]
intel_statuses = ["UpToDate", "SWHardeningNeeded"]
deny_advisories = ["intel-sa-00615"]

[tcb.minimum]
bootloader = 3
tee = 0
snp = 8
microcode = 115
fmc = 1
pcesvn = 11
sgx_comp_00 = 2
tdx_comp_15 = 0

[measurements]
measurement = ["b07af9620f3b839b47996422ddec6058338951d984e312115131ea82705eaf5b6bdf8a9ece31a5a608eb0cf2e4872b01"]
mrenclave = ["0x1111111111111111111111111111111111111111111111111111111111111111"]

[signers]
allow = ["2222222222222222222222222222222222222222222222222222222222222222"]

[snp]
max_vmpl = 1
vmpl = 0
require_no_migration_agent = true
require_no_debug = true
allow_smt = false
min_firmware = "1.55.3"
min_abi = "1.51"

[freshness]
max_age_seconds = 300
)";

TEST(PolicyParse, EveryRule) {
  auto p = parse_policy(kFull, "full.toml");
  ASSERT_TRUE(p.has_value()) << p.error().message();
  EXPECT_EQ(p->allowed_platforms,
            (std::set<Platform>{Platform::SevSnp, Platform::Tdx, Platform::Sgx, Platform::Kvm}));
  EXPECT_TRUE(p->allow_non_confidential);
  EXPECT_FALSE(p->allow_debug);
  EXPECT_EQ(p->deny_products, (std::vector<std::string>{"Milan", "Genoa-B1"}));
  EXPECT_EQ(p->deny_fmspcs, (std::vector<Bytes>{hex_bytes("00906ea10000")}));
  EXPECT_EQ(p->intel_statuses, (std::set<std::string>{"UpToDate", "SWHardeningNeeded"}));
  EXPECT_EQ(p->deny_advisories, (std::set<std::string>{"INTEL-SA-00615"}));
  EXPECT_EQ(p->min_tcb.size(), 8u);
  EXPECT_EQ(p->min_tcb.at("microcode"), 115u);
  EXPECT_EQ(p->min_tcb.at("fmc"), 1u);
  EXPECT_EQ(p->allowed_measurements.at("measurement").at(0).size(), 48u);
  EXPECT_EQ(p->allowed_measurements.at("mrenclave").at(0), Bytes(32, 0x11));
  EXPECT_EQ(p->allowed_signers.at(0), Bytes(32, 0x22));
  EXPECT_EQ(p->snp_max_vmpl, 1u);
  EXPECT_EQ(p->snp_vmpl, 0u);
  EXPECT_TRUE(p->snp_require_no_migration_agent);
  EXPECT_TRUE(p->snp_require_no_debug);
  EXPECT_EQ(p->snp_allow_smt, false);
  ASSERT_TRUE(p->snp_min_firmware);
  EXPECT_EQ(p->snp_min_firmware->major, 1u);
  EXPECT_EQ(p->snp_min_firmware->minor, 55u);
  EXPECT_EQ(p->snp_min_firmware->build, 3u);
  ASSERT_TRUE(p->snp_min_abi);
  EXPECT_EQ(p->snp_min_abi->minor, 51u);
  EXPECT_FALSE(p->snp_min_abi->build);
  EXPECT_EQ(p->max_evidence_age, std::chrono::seconds(300));
}

TEST(PolicyParse, EmptyPolicyHasStrictDefaults) {
  auto p = parse_policy("", "empty.toml");
  ASSERT_TRUE(p.has_value());
  EXPECT_FALSE(p->allow_debug);
  EXPECT_FALSE(p->allow_non_confidential);
  EXPECT_FALSE(p->allowed_platforms);
}

// Returns the error message, failing the test when parsing succeeded.
std::string error_of(std::string_view toml) {
  auto p = parse_policy(toml, "bad.toml");
  EXPECT_FALSE(p.has_value()) << "accepted:\n" << toml;
  return p ? "" : p.error().message();
}

TEST(PolicyParse, UnknownKeyNamesFileLineAndColumn) {
  EXPECT_EQ(error_of("[cpu]\ndeny_product = [\"Milan\"]\n"),
            "bad.toml:2:1: unknown key 'deny_product' in [cpu] (expected one of: deny_products "
            "deny_fmspcs)");
  EXPECT_NE(error_of("colour = 1\n").find("bad.toml:1:1: unknown key 'colour' at the top level"),
            std::string::npos);
  EXPECT_NE(error_of("[snp]\n  max_vmpl = 0\n  vmpl_max = 1\n")
                .find("bad.toml:3:3: unknown key "
                      "'vmpl_max' in [snp]"),
            std::string::npos);
  EXPECT_NE(error_of("[tcb.minimum]\nbootloadr = 1\n")
                .find("bad.toml:2:1: tcb.minimum: unknown TCB "
                      "component 'bootloadr'"),
            std::string::npos);
  EXPECT_NE(error_of("[measurements]\nmrenclav = []\n")
                .find("bad.toml:2:1: unknown measurement "
                      "'mrenclav'"),
            std::string::npos);
}

TEST(PolicyParse, WrongTypesNameTheKeyAndPosition) {
  EXPECT_EQ(error_of("[platforms]\nallow_debug = \"yes\"\n"),
            "bad.toml:2:15: platforms.allow_debug: expected a boolean (true or false), got string");
  EXPECT_EQ(error_of("[snp]\nmax_vmpl = \"0\"\n"),
            "bad.toml:2:12: snp.max_vmpl: expected an integer, got string");
  EXPECT_EQ(error_of("[snp]\nmax_vmpl = 4\n"),
            "bad.toml:2:12: snp.max_vmpl: 4 is out of range 0..3");
  EXPECT_EQ(error_of("cpu = 3\n"), "bad.toml:1:7: cpu: expected a table, got integer");
  EXPECT_EQ(error_of("[platforms]\nallow = \"snp\"\n"),
            "bad.toml:2:9: platforms.allow: expected an array of strings, got string");
  EXPECT_EQ(error_of("[platforms]\nallow = [\"snp\", 3]\n"),
            "bad.toml:2:17: platforms.allow element: expected a string, got integer");
  EXPECT_EQ(error_of("[tcb.minimum]\nsnp = -1\n"),
            "bad.toml:2:7: tcb.minimum.snp: -1 is out of range 0..65535");
  EXPECT_EQ(error_of("[freshness]\nmax_age_seconds = 1.5\n"),
            "bad.toml:2:19: freshness.max_age_seconds: expected an integer, got float");
}

TEST(PolicyParse, BadValues) {
  EXPECT_NE(error_of("[platforms]\nallow = [\"sev\"]\n").find("unknown platform 'sev'"),
            std::string::npos);
  EXPECT_NE(error_of("[platforms]\nallow = [\"kvm\"]\n").find("set allow_non_confidential = true"),
            std::string::npos);
  EXPECT_NE(error_of("[cpu]\ndeny_products = [\"Naples\"]\n").find("not an AMD EPYC generation"),
            std::string::npos);
  EXPECT_NE(error_of("[cpu]\ndeny_fmspcs = [\"00906e\"]\n").find("is 3 bytes, expected 6"),
            std::string::npos);
  EXPECT_NE(error_of("[cpu]\ndeny_fmspcs = [\"zz906ea10000\"]\n").find("is not hex"),
            std::string::npos);
  EXPECT_NE(error_of("[tcb]\nintel_statuses = [\"Revoked\"]\n").find("Revoked is never accepted"),
            std::string::npos);
  EXPECT_NE(error_of("[measurements]\nmrtd = [\"00\"]\n").find("is 1 bytes, expected 48"),
            std::string::npos);
  EXPECT_NE(error_of("[measurements]\nmrtd = []\n").find("empty allow-list"), std::string::npos);
  EXPECT_NE(error_of("[signers]\nallow = [\"0011\"]\n").find("expected 32 or 48"),
            std::string::npos);
  EXPECT_NE(error_of("[snp]\nmin_firmware = \"1\"\n").find("is not a version"), std::string::npos);
  EXPECT_NE(error_of("[snp]\nmin_abi = \"1.51.2\"\n").find("is not a version \"MAJOR.MINOR\""),
            std::string::npos);
  EXPECT_NE(error_of("[freshness]\nmax_age_seconds = 0\n").find("at least 1"), std::string::npos);
  EXPECT_NE(error_of("version = 2\n").find("only policy version 1"), std::string::npos);
}

TEST(PolicyParse, SyntaxErrorsHaveLineAndColumn) {
  const std::string e = error_of("[cpu]\ndeny_products = [\"Milan\"\n");
  EXPECT_TRUE(e.starts_with("bad.toml:")) << e;
  EXPECT_TRUE(std::regex_search(e, std::regex("^bad\\.toml:[23]:[0-9]+: "))) << e;
  const std::string dup = error_of("[snp]\nvmpl = 0\nvmpl = 1\n");
  EXPECT_TRUE(dup.starts_with("bad.toml:3:")) << dup;
}

TEST(PolicyParse, EveryProblemIsReported) {
  const std::string e = error_of("[cpu]\nbad1 = 1\n[snp]\nvmpl = 9\nbad2 = true\n");
  EXPECT_NE(e.find("bad.toml:2:1: unknown key 'bad1'"), std::string::npos) << e;
  EXPECT_NE(e.find("bad.toml:4:8: snp.vmpl: 9 is out of range"), std::string::npos) << e;
  EXPECT_NE(e.find("bad.toml:5:1: unknown key 'bad2'"), std::string::npos) << e;
}

TEST(PolicyParse, LoadPolicyReportsMissingFile) {
  auto p = load_policy("/nonexistent/policy.toml");
  ASSERT_FALSE(p.has_value());
  EXPECT_NE(p.error().message().find("/nonexistent/policy.toml"), std::string::npos);
}

// Every ```toml example in docs/policy.md must parse: the documentation
// cannot drift from the schema.
TEST(PolicyParse, DocumentationExamplesParse) {
  auto doc = read_text_file(std::string(CLOISTER_SOURCE_DIR) + "/docs/policy.md");
  if (!doc) GTEST_SKIP() << "docs/policy.md not found";
  const std::string& text = *doc;
  size_t pos = 0, examples = 0;
  while ((pos = text.find("```toml\n", pos)) != std::string::npos) {
    pos += 8;
    size_t end = text.find("```", pos);
    ASSERT_NE(end, std::string::npos);
    auto p = parse_policy(std::string_view(text).substr(pos, end - pos), "docs/policy.md example");
    EXPECT_TRUE(p.has_value()) << "example " << examples << ": " << (p ? "" : p.error().message());
    ++examples;
    pos = end + 3;
  }
  EXPECT_GE(examples, 3u);
}

// The same toml++ 3.3.0 assertion as in tests/config: a clean error.
TEST(PolicyParseHostile, TableHeaderWithAnImpossibleKeyIsASyntaxError) {
  for (const char* text : {"[[&x]]\n", "[&cpu]\n", "[\x7f]\n"}) {
    EXPECT_NE(error_of(text).find("bad.toml:1:"), std::string::npos) << text;
  }
}

TEST(PolicyParseHostile, NonAsciiWhereWhitespaceBelongsIsASyntaxError) {
  EXPECT_NE(error_of("[cpu] \xc3\xa9\n").find("bad.toml:1:"), std::string::npos);
  EXPECT_NE(error_of("[cpu]\ndeny_products = []\xef\xbb\xb7\n").find("bad.toml:2:"),
            std::string::npos);
}

}  // namespace
}  // namespace cloister::attest
