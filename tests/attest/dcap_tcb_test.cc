// SPDX-License-Identifier: Apache-2.0
//
// TCB Info / QE Identity parsing (exact signed bytes), PCK extensions, and the
// QVL rules for choosing TCB levels and converging statuses, on real PCS files
// and on small hand-made levels.
#include "attest/dcap_tcb.h"
#include "attest/dcap_json.h"
#include "attest/dcap_pck.h"
#include "attest/qe_identity.h"
#include "attest/tcb_info.h"
#include "attest/x509.h"
#include "base/hex.h"
#include "dcap_test_util.h"

namespace cloister::attest::dcap {
namespace {

std::string read_case_file(const std::string& case_path, const std::string& file) {
  auto text = read_text_file(testing::evidence_dir() + "/" + case_path + "/" + file);
  return text ? *text : std::string();
}

TEST(DcapJson, RawMembersAreExactSlices) {
  const std::string text = R"(  {"a" : {"x": "}{\"", "y":[1,{"z":2}]} ,"b":"s\\","c":-1.5e3}  )";
  auto m = raw_top_level_members(text);
  ASSERT_TRUE(m) << m.error().message();
  EXPECT_EQ(m->at("a"), R"({"x": "}{\"", "y":[1,{"z":2}]})");
  EXPECT_EQ(m->at("b"), R"("s\\")");
  EXPECT_EQ(m->at("c"), "-1.5e3");
  EXPECT_FALSE(raw_top_level_members(R"({"a":1,"a":2})"));  // duplicate
  EXPECT_FALSE(raw_top_level_members(R"({"a":1} x)"));      // trailing garbage
  EXPECT_FALSE(raw_top_level_members(R"([1,2])"));
  EXPECT_FALSE(raw_top_level_members(R"({"a":)"));
  EXPECT_TRUE(raw_top_level_members("{}"));
}

TEST(DcapJson, ReformattedTcbInfoHasDifferentSignedBytes) {
  CLOISTER_REQUIRE_EVIDENCE();
  auto original = parse_tcb_info(read_case_file("tdx/dcapqvl-tdx-v4/collateral", "tcb_info.json"));
  auto reformatted = parse_tcb_info(
      read_case_file("tdx/dcapqvl-tdx-v4-tcbinfo-reformatted/collateral", "tcb_info.json"));
  ASSERT_TRUE(original) << original.error().message();
  ASSERT_TRUE(reformatted) << reformatted.error().message();
  EXPECT_NE(original->signed_body.body, reformatted->signed_body.body);
  EXPECT_EQ(original->signed_body.signature, reformatted->signed_body.signature);
  EXPECT_EQ(nlohmann::json::parse(original->signed_body.body),
            nlohmann::json::parse(reformatted->signed_body.body));
  EXPECT_EQ(original->signed_body.body.front(), '{');
  EXPECT_EQ(original->signed_body.body.back(), '}');
}

TEST(TcbInfo, ParsesV2AndV3) {
  CLOISTER_REQUIRE_EVIDENCE();
  auto v2 = parse_tcb_info(read_case_file("sgx/rustsgx-sgx-v3-2020/collateral", "tcb_info.json"));
  ASSERT_TRUE(v2) << v2.error().message();
  EXPECT_EQ(v2->version, 2u);
  EXPECT_FALSE(v2->is_tdx());
  EXPECT_EQ(to_hex(v2->fmspc), "00906ea10000");
  EXPECT_EQ(v2->tcb_evaluation_data_number, 8u);
  ASSERT_FALSE(v2->tcb_levels.empty());
  EXPECT_EQ(v2->tcb_levels[0].sgx_comp_svn[5], 128);
  EXPECT_EQ(v2->tcb_levels[0].pcesvn, 10);
  EXPECT_EQ(v2->tcb_levels[0].status, "SWHardeningNeeded");

  auto v3 = parse_tcb_info(read_case_file("tdx/gotdx-tdx-v5-uptodate/collateral", "tcb_info.json"));
  ASSERT_TRUE(v3) << v3.error().message();
  EXPECT_TRUE(v3->is_tdx());
  EXPECT_EQ(v3->version, 3u);
  ASSERT_TRUE(v3->tdx_module);
  EXPECT_EQ(v3->tdx_module_identities.size(), 2u);
  EXPECT_EQ(v3->tdx_module_identities[1].id, "TDX_01");
  EXPECT_EQ(v3->tdx_module_identities[1].tcb_levels[1].advisories.size(), 2u);
  ASSERT_TRUE(v3->tcb_levels[0].tdx_comp_svn);
  EXPECT_EQ((*v3->tcb_levels[0].tdx_comp_svn)[2], 3);
  EXPECT_EQ(format_rfc3339(v3->next_update), "2026-03-20T10:58:51Z");
}

TEST(TcbInfo, RejectsMalformedDocuments) {
  const std::string sig(128, 'a');
  auto doc = [&](const std::string& body) {
    return R"({"tcbInfo":)" + body + R"(,"signature":")" + sig + R"("})";
  };
  const std::string good =
      R"({"version":2,"issueDate":"2020-05-18T17:49:24Z","nextUpdate":"2020-06-17T17:49:24Z",)"
      R"("fmspc":"00906ea10000","pceId":"0000","tcbType":0,"tcbEvaluationDataNumber":8,)"
      R"("tcbLevels":[{"tcb":{"sgxtcbcomp01svn":1,"sgxtcbcomp02svn":1,"sgxtcbcomp03svn":1,)"
      R"("sgxtcbcomp04svn":1,"sgxtcbcomp05svn":1,"sgxtcbcomp06svn":1,"sgxtcbcomp07svn":1,)"
      R"("sgxtcbcomp08svn":1,"sgxtcbcomp09svn":1,"sgxtcbcomp10svn":1,"sgxtcbcomp11svn":1,)"
      R"("sgxtcbcomp12svn":1,"sgxtcbcomp13svn":1,"sgxtcbcomp14svn":1,"sgxtcbcomp15svn":1,)"
      R"("sgxtcbcomp16svn":1,"pcesvn":3},"tcbDate":"2019-01-01T00:00:00Z","tcbStatus":"UpToDate"}]})";
  ASSERT_TRUE(parse_tcb_info(doc(good))) << parse_tcb_info(doc(good)).error().message();
  auto replace = [&](const std::string& from, const std::string& to) {
    std::string s = good;
    s.replace(s.find(from), from.size(), to);
    return doc(s);
  };
  EXPECT_FALSE(parse_tcb_info(replace("\"version\":2", "\"version\":7")));
  EXPECT_FALSE(parse_tcb_info(replace("UpToDate", "Fine")));
  EXPECT_FALSE(parse_tcb_info(replace("00906ea10000", "00906ea100")));
  EXPECT_FALSE(parse_tcb_info(replace("\"sgxtcbcomp16svn\":1,", "")));
  EXPECT_FALSE(parse_tcb_info(replace("\"pcesvn\":3", "\"pcesvn\":-3")));
  EXPECT_FALSE(parse_tcb_info(replace("2020-06-17T17:49:24Z", "soon")));
  EXPECT_FALSE(parse_tcb_info(replace("\"tcbType\":0", "\"tcbType\":1")));
  EXPECT_FALSE(parse_tcb_info(R"({"tcbInfo":)" + good + R"(,"signature":"abcd"})"));
  EXPECT_FALSE(parse_tcb_info(R"({"tcbInfo":)" + good + "}"));
  EXPECT_FALSE(parse_tcb_info("not json"));
}

TEST(QeIdentity, ParsesSgxAndTdxIdentities) {
  CLOISTER_REQUIRE_EVIDENCE();
  auto sgx = parse_qe_identity(read_case_file("sgx/dcapqvl-sgx-v3/collateral", "qe_identity.json"));
  ASSERT_TRUE(sgx) << sgx.error().message();
  EXPECT_EQ(sgx->id, "QE");
  EXPECT_EQ(sgx->isvprodid, 1);
  EXPECT_EQ(to_hex(sgx->mrsigner),
            "8c4f5775d796503e96137f77c68a829a0056ac8ded70140b081b094490c57bff");
  auto td =
      parse_qe_identity(read_case_file("tdx/gotdx-tdx-v5-uptodate/collateral", "qe_identity.json"));
  ASSERT_TRUE(td) << td.error().message();
  EXPECT_EQ(td->id, "TD_QE");
  EXPECT_EQ(td->miscselect_mask, 0xffffffffu);
  EXPECT_EQ(td->attributes_mask[0], 0xfb);
  EXPECT_EQ(td->tcb_levels[0].isvsvn, 4);
}

TEST(PckExtensions, DecodesRealPckCertificate) {
  CLOISTER_REQUIRE_EVIDENCE();
  auto c = testing::intel_case("dcapqvl-sgx-v3");
  auto q = parse_quote(testing::case_quote(c), nullptr);
  ASSERT_TRUE(q);
  auto chain = x509::load_certs_pem(q->cert_data);
  ASSERT_TRUE(chain);
  auto ext = pck_extensions((*chain)[0].get());
  ASSERT_TRUE(ext) << ext.error().message();
  EXPECT_EQ(to_hex(ext->fmspc), "00a067110000");
  EXPECT_EQ(ext->pcesvn, 13);
  EXPECT_EQ(to_hex(ext->cpusvn), "0b0b0202ff0100000000000000000000");
  // The CA certificate has no SGX extensions.
  EXPECT_FALSE(pck_extensions((*chain)[1].get()));
  // Every truncation of the extension value is rejected, never misread.
  auto raw = x509::extension_value((*chain)[0].get(), kSgxExtensionsOid);
  ASSERT_TRUE(raw && *raw);
  const Bytes& der = **raw;
  ASSERT_TRUE(parse_sgx_extensions(der));
  for (size_t len = 0; len < der.size(); ++len)
    EXPECT_FALSE(parse_sgx_extensions(std::span<const uint8_t>(der.data(), len))) << len;
}

// Hand-made TCB Info with three levels, newest first.
TcbInfo small_tcb_info(bool tdx) {
  TcbInfo info;
  info.version = 3;
  info.id = tdx ? "TDX" : "SGX";
  auto level = [&](uint8_t sgx, uint16_t pce, uint8_t tdx_svn, const char* status,
                   std::vector<std::string> adv) {
    TcbLevel l;
    l.sgx_comp_svn.fill(0);
    l.sgx_comp_svn[0] = sgx;
    l.pcesvn = pce;
    if (tdx) {
      std::array<uint8_t, 16> t{};
      t[0] = 9;  // only compared when TEE_TCB_SVN[1] == 0
      t[2] = tdx_svn;
      l.tdx_comp_svn = t;
    }
    l.status = status;
    l.advisories = std::move(adv);
    return l;
  };
  info.tcb_levels = {level(5, 13, 3, "UpToDate", {}),
                     level(4, 13, 2, "ConfigurationNeeded", {"INTEL-SA-1"}),
                     level(3, 11, 1, "OutOfDate", {"INTEL-SA-1", "INTEL-SA-2"}),
                     level(1, 10, 0, "Revoked", {"INTEL-SA-3"})};
  if (tdx) {
    TdxModuleIdentity m;
    m.id = "TDX_01";
    m.mrsigner = Bytes(48, 0);
    m.attributes_mask.fill(0xff);
    m.tcb_levels = {{4, "", "UpToDate", {}}, {2, "", "OutOfDate", {"INTEL-SA-9"}}};
    info.tdx_module_identities.push_back(m);
    TdxModuleIdentity def;
    def.mrsigner = Bytes(48, 0);
    def.attributes_mask.fill(0xff);
    info.tdx_module = def;
  }
  return info;
}

PckExtensions pck_with(uint8_t comp0, uint16_t pcesvn) {
  PckExtensions p;
  p.sgx_tcb_comp_svn[0] = comp0;
  p.pcesvn = pcesvn;
  return p;
}

TEST(TcbLevels, SgxChoosesFirstLevelAtOrBelowThePlatform) {
  const TcbInfo info = small_tcb_info(false);
  EXPECT_EQ(evaluate_platform_tcb(info, pck_with(9, 13), nullptr).platform_status, "UpToDate");
  EXPECT_EQ(evaluate_platform_tcb(info, pck_with(4, 13), nullptr).platform_status,
            "ConfigurationNeeded");
  // PCESVN too low for the first two levels.
  auto e = evaluate_platform_tcb(info, pck_with(9, 12), nullptr);
  EXPECT_EQ(e.platform_status, "OutOfDate");
  EXPECT_EQ(e.platform_advisories, (std::vector<std::string>{"INTEL-SA-1", "INTEL-SA-2"}));
  EXPECT_EQ(evaluate_platform_tcb(info, pck_with(2, 10), nullptr).platform_status, "Revoked");
  auto none = evaluate_platform_tcb(info, pck_with(0, 13), nullptr);
  EXPECT_TRUE(none.platform_status.empty());
  ASSERT_EQ(none.failures.size(), 1u);
  EXPECT_EQ(none.failures[0].kind, FailureKind::TcbNotSupported);
}

TEST(TcbLevels, TdxComparesTdxComponentsAndModuleIdentity) {
  const TcbInfo info = small_tcb_info(true);
  TdxReportBody tdx;
  tdx.tee_tcb_svn = {4, 1, 2};  // module TDX_01 SVN 4; TDX component 2 = 2
  auto e = evaluate_platform_tcb(info, pck_with(9, 13), &tdx);
  EXPECT_TRUE(e.failures.empty());
  // Component 2 (2) is below the first level's 3: the second level matches;
  // index 0 (4 < 9) is not compared because TEE_TCB_SVN[1] > 0.
  EXPECT_EQ(e.platform_status, "ConfigurationNeeded");
  ASSERT_TRUE(e.module_id);
  EXPECT_EQ(*e.module_id, "TDX_01");
  EXPECT_EQ(e.module_status, "UpToDate");
  tdx.tee_tcb_svn[0] = 3;
  e = evaluate_platform_tcb(info, pck_with(9, 13), &tdx);
  EXPECT_EQ(e.module_status, "OutOfDate");
  EXPECT_EQ(converge_status(e.platform_status, "UpToDate", e.module_status),
            "OutOfDateConfigurationNeeded");
  tdx.tee_tcb_svn[0] = 1;  // below every module level
  e = evaluate_platform_tcb(info, pck_with(9, 13), &tdx);
  EXPECT_FALSE(e.failures.empty());
  // An unknown module version has no identity.
  tdx.tee_tcb_svn = {4, 3, 3};
  e = evaluate_platform_tcb(info, pck_with(9, 13), &tdx);
  ASSERT_FALSE(e.failures.empty());
  EXPECT_NE(e.failures[0].message.find("TDX_03"), std::string::npos);
  // TEE_TCB_SVN[1] == 0: all sixteen components count, index 0 needs 9.
  tdx.tee_tcb_svn = {8, 0, 3};
  e = evaluate_platform_tcb(info, pck_with(9, 13), &tdx);
  EXPECT_TRUE(e.platform_status.empty());
  EXPECT_FALSE(e.module_id);
  tdx.tee_tcb_svn = {9, 0, 3};
  EXPECT_EQ(evaluate_platform_tcb(info, pck_with(9, 13), &tdx).platform_status, "UpToDate");
  // MRSIGNERSEAM must match the module signer.
  tdx.mr_signer_seam[0] = 1;
  EXPECT_FALSE(evaluate_platform_tcb(info, pck_with(9, 13), &tdx).failures.empty());
}

TEST(TcbLevels, StatusConvergence) {
  EXPECT_EQ(converge_status("UpToDate", "UpToDate", ""), "UpToDate");
  EXPECT_EQ(converge_status("SWHardeningNeeded", "OutOfDate", ""), "OutOfDate");
  EXPECT_EQ(converge_status("ConfigurationAndSWHardeningNeeded", "OutOfDate", ""),
            "OutOfDateConfigurationNeeded");
  EXPECT_EQ(converge_status("UpToDate", "UpToDate", "OutOfDate"), "OutOfDate");
  EXPECT_EQ(converge_status("UpToDate", "Revoked", ""), "Revoked");
  EXPECT_EQ(converge_status("OutOfDate", "UpToDate", "Revoked"), "Revoked");
  EXPECT_EQ(converge_status("OutOfDateConfigurationNeeded", "OutOfDate", ""),
            "OutOfDateConfigurationNeeded");
  EXPECT_EQ(converge_status("", "UpToDate", ""), "");
}

TEST(QeIdentityCheck, MasksAndLevels) {
  QeIdentity id;
  id.mrsigner.fill(0xab);
  id.isvprodid = 2;
  id.miscselect = 0;
  id.miscselect_mask = 0xffffffff;
  id.attributes = {0x11};
  id.attributes_mask = {0xfb};
  id.tcb_levels = {
      {8, "", "UpToDate", {}}, {6, "", "OutOfDate", {"INTEL-SA-7"}}, {1, "", "Revoked", {}}};
  SgxReportBody qe;
  qe.mr_signer.fill(0xab);
  qe.isv_prod_id = 2;
  qe.attributes = {0x15};  // bit 2 is masked out
  qe.isv_svn = 8;
  auto e = evaluate_qe_identity(id, qe);
  EXPECT_TRUE(e.failures.empty());
  EXPECT_EQ(e.status, "UpToDate");
  qe.isv_svn = 7;
  EXPECT_EQ(evaluate_qe_identity(id, qe).status, "OutOfDate");
  qe.isv_svn = 0;
  EXPECT_FALSE(evaluate_qe_identity(id, qe).failures.empty());
  qe.isv_svn = 8;
  qe.attributes = {0x13};  // bit 1 (DEBUG) is not masked
  EXPECT_EQ(evaluate_qe_identity(id, qe).failures.size(), 1u);
  qe.attributes = {0x11};
  qe.isv_prod_id = 1;
  EXPECT_EQ(evaluate_qe_identity(id, qe).failures.size(), 1u);
  qe.isv_prod_id = 2;
  qe.mr_signer[31] ^= 1;
  EXPECT_EQ(evaluate_qe_identity(id, qe).failures.size(), 1u);
  qe.mr_signer[31] ^= 1;
  qe.misc_select = 1;
  EXPECT_EQ(evaluate_qe_identity(id, qe).failures.size(), 1u);
}

}  // namespace
}  // namespace cloister::attest::dcap
