// SPDX-License-Identifier: Apache-2.0
//
// Report decoding details: field offsets, versions, products, TCB layouts.
#include <gtest/gtest.h>

#include "attest/snp.h"
#include "attest/snp_cert.h"
#include "base/hex.h"
#include "snp_test_util.h"

namespace cloister::attest::snp {
namespace {

using namespace testing;

TEST(SnpProduct, FromCpuidAndName) {
  EXPECT_EQ(product_from_cpuid(0x19, 0x01), Product::Milan);
  EXPECT_EQ(product_from_cpuid(0x19, 0x0f), Product::Milan);
  EXPECT_EQ(product_from_cpuid(0x19, 0x11), Product::Genoa);
  EXPECT_EQ(product_from_cpuid(0x19, 0xa0), Product::Genoa);
  EXPECT_EQ(product_from_cpuid(0x19, 0x20), Product::Unknown);
  EXPECT_EQ(product_from_cpuid(0x1a, 0x02), Product::Turin);
  EXPECT_EQ(product_from_cpuid(0x1a, 0x12), Product::Unknown);
  EXPECT_EQ(product_from_cpuid(0x17, 0x01), Product::Unknown);
  EXPECT_EQ(product_from_name("Milan-B0"), Product::Milan);
  EXPECT_EQ(product_from_name("Genoa"), Product::Genoa);
  EXPECT_EQ(product_from_name("Turin"), Product::Turin);
  EXPECT_EQ(product_from_name("Milano"), Product::Unknown);
  EXPECT_EQ(to_string(Product::Turin), "Turin");
}

TEST(SnpTcb, MilanAndTurinLayouts) {
  const TcbVersion tcb = {1, 2, 3, 4, 5, 6, 7, 8};
  TcbComponents milan = decode_tcb(tcb, Product::Milan);
  EXPECT_FALSE(milan.fmc.has_value());
  EXPECT_EQ(milan.bootloader, 1);
  EXPECT_EQ(milan.tee, 2);
  EXPECT_EQ(milan.snp, 7);
  EXPECT_EQ(milan.microcode, 8);
  TcbComponents turin = decode_tcb(tcb, Product::Turin);
  EXPECT_EQ(turin.fmc, 1);
  EXPECT_EQ(turin.bootloader, 2);
  EXPECT_EQ(turin.tee, 3);
  EXPECT_EQ(turin.snp, 4);
  EXPECT_EQ(turin.microcode, 8);
}

TEST(SnpPolicy, FlagNames) {
  EXPECT_EQ(policy_flag_names(0x30000), (std::vector<std::string>{"SMT", "RESERVED_1"}));
  EXPECT_EQ(policy_flag_names(0xb0000), (std::vector<std::string>{"SMT", "RESERVED_1", "DEBUG"}));
  EXPECT_EQ(policy_flag_names((uint64_t{1} << 18) | (uint64_t{1} << 25) | (uint64_t{1} << 40)),
            (std::vector<std::string>{"MIGRATE_MA", "PAGE_SWAP_DISABLE", "BIT_40"}));
  EXPECT_TRUE(policy_flag_names(0xffff).empty());
}

TEST(SnpReport, FieldsOfAVersion5Report) {
  SNP_REQUIRE_EVIDENCE();
  std::vector<std::string> notes;
  auto r = parse_report(read_evidence("snp/mstav-turin-v5/report.bin"), &notes);
  ASSERT_TRUE(r.has_value()) << r.error().message();
  EXPECT_EQ(r->version, 5u);
  EXPECT_EQ(r->signature_algo, 1u);
  EXPECT_EQ(r->signing_key_kind(), SigningKey::Vcek);
  EXPECT_EQ(r->cpuid_fam_id, 0x1a);
  EXPECT_EQ(r->cpuid_mod_id, 0x02);
  EXPECT_EQ(r->cpuid_step, 0x01);
  EXPECT_EQ(report_product(*r), Product::Turin);
  EXPECT_EQ(r->launch_mit_vector, 0x3fu);
  EXPECT_EQ(r->current_mit_vector, 0x3fu);
  EXPECT_EQ(r->current_major, 1);
  EXPECT_EQ(r->current_minor, 55);
  EXPECT_EQ(r->current_build, 65);
  EXPECT_EQ(r->chip_id[0], 0x59);
  EXPECT_EQ(r->chip_id[8], 0x00);
  // The signature's R and S occupy the low 48 of their 72 bytes.
  for (size_t i = 48; i < 72; ++i) {
    EXPECT_EQ(r->signature_r[i], 0) << i;
    EXPECT_EQ(r->signature_s[i], 0) << i;
  }
  EXPECT_TRUE(notes.empty());
}

TEST(SnpReport, Version2HasNoCpuidOrMitigationVectors) {
  SNP_REQUIRE_EVIDENCE();
  auto r = parse_report(read_evidence("snp/trustee-milan-v2/report.bin"), nullptr);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->version, 2u);
  EXPECT_FALSE(r->cpuid_fam_id.has_value());
  EXPECT_FALSE(r->launch_mit_vector.has_value());
  EXPECT_EQ(report_product(*r), Product::Unknown);
  EXPECT_EQ(r->policy, 0x3001fu);
}

TEST(SnpReport, KeyInfoBitsAndReservedFields) {
  SNP_REQUIRE_EVIDENCE();
  Bytes bytes = read_evidence("snp/trustee-milan-v3-vlek/report.bin");
  std::vector<std::string> notes;
  auto r = parse_report(bytes, &notes);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->signing_key_kind(), SigningKey::Vlek);
  EXPECT_FALSE(r->mask_chip_key);
  EXPECT_FALSE(r->author_key_en);
  bytes[0x48] = 0x03 | (7 << 2);  // AUTHOR_KEY_EN, MASK_CHIP_KEY, SIGNING_KEY = none
  bytes[0x4c] = 1;                // reserved
  bytes[0x200] = 1;               // reserved in v3
  r = parse_report(bytes, &notes);
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->author_key_en);
  EXPECT_TRUE(r->mask_chip_key);
  EXPECT_EQ(r->signing_key_kind(), SigningKey::None);
  ASSERT_EQ(notes.size(), 2u);
  EXPECT_NE(notes[0].find("0x04c"), std::string::npos) << notes[0];
  EXPECT_NE(notes[1].find("0x1f8"), std::string::npos) << notes[1];
  Claims claims = claims_from_report(*r);
  EXPECT_EQ(claims.details.at("mask_chip_key"), 1);
  EXPECT_EQ(claims.details.at("author_key_en"), 1);
  EXPECT_EQ(claims.details.at("signing_key"), "none");
}

// Names from certificates end up in messages and JSON: non-ASCII bytes (found
// by fuzz_snp_vcek, where they made the JSON serialiser throw) are escaped.
TEST(SnpCert, PrintableAscii) {
  EXPECT_EQ(printable_ascii("SEV-VCEK"), "SEV-VCEK");
  EXPECT_EQ(printable_ascii(std::string("A\xff\n\\", 4)), "A\\xff\\x0a\\x5c");
  nlohmann::json j = printable_ascii("\xc3\x28");
  EXPECT_EQ(j.dump(), "\"\\\\xc3(\"");
}

}  // namespace
}  // namespace cloister::attest::snp
