// SPDX-License-Identifier: Apache-2.0
//
// Quote decoding: field offsets on real quotes, and every structural error
// (versions, key and TEE types, v5 body descriptors, length fields,
// certification data types) rejected with a message naming the field.
#include <cstring>

#include "base/hex.h"
#include "dcap_test_util.h"

namespace cloister::attest::dcap {
namespace {

using testing::intel_case;

std::vector<uint8_t> quote_of(const char* id) {
  return testing::case_quote(intel_case(id));
}

void put_u16(std::vector<uint8_t>& q, size_t at, uint16_t v) {
  q[at] = static_cast<uint8_t>(v);
  q[at + 1] = static_cast<uint8_t>(v >> 8);
}
void put_u32(std::vector<uint8_t>& q, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) q[at + static_cast<size_t>(i)] = static_cast<uint8_t>(v >> (8 * i));
}

std::string error_of(const std::vector<uint8_t>& q) {
  auto r = parse_quote(q, nullptr);
  return r ? std::string("(parsed)") : r.error().message();
}

TEST(DcapQuote, DecodesFieldsOfEachVersion) {
  CLOISTER_REQUIRE_EVIDENCE();
  auto sgx = parse_quote(quote_of("dcapqvl-sgx-v3"), nullptr);
  ASSERT_TRUE(sgx) << sgx.error().message();
  EXPECT_EQ(sgx->header.version, 3);
  EXPECT_EQ(sgx->body_type, 1);
  ASSERT_TRUE(sgx->sgx);
  EXPECT_FALSE(sgx->tdx);
  EXPECT_EQ(sgx->signed_data.size(), kHeaderSize + kSgxReportBodySize);
  EXPECT_EQ(sgx->cert_data_type, kCertDataPckChain);
  EXPECT_EQ(sgx->qe_auth_data.size(), 32u);

  auto v4 = parse_quote(quote_of("dcapqvl-tdx-v4"), nullptr);
  ASSERT_TRUE(v4);
  ASSERT_TRUE(v4->tdx);
  EXPECT_FALSE(v4->tdx->tdx15);
  EXPECT_EQ(v4->signed_data.size(), kHeaderSize + kTdx10BodySize);
  EXPECT_EQ(v4->quote_size, 4936u);
  EXPECT_EQ(v4->input_size, 5006u);

  auto v5 = parse_quote(quote_of("gotdx-tdx-v5-uptodate"), nullptr);
  ASSERT_TRUE(v5);
  EXPECT_EQ(v5->body_type, 3);
  ASSERT_TRUE(v5->tdx && v5->tdx->tdx15);
  // v5 signs the body type and size as well.
  EXPECT_EQ(v5->signed_data.size(), kHeaderSize + 6 + kTdx15BodySize);
  EXPECT_EQ(to_hex(v5->tdx->tee_tcb_svn2), "0d010400000000000000000000000000");
}

TEST(DcapQuote, TrailingBytesAreANote) {
  CLOISTER_REQUIRE_EVIDENCE();
  auto q = quote_of("dcapqvl-sgx-v3");
  q.insert(q.end(), {1, 2, 3});
  std::vector<std::string> notes;
  auto parsed = parse_quote(q, &notes);
  ASSERT_TRUE(parsed);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find("3 trailing bytes"), std::string::npos);
  Claims c = claims_from_quote(*parsed, q);
  EXPECT_EQ(c.details["trailing_bytes"], 3);
  EXPECT_EQ(c.details["trailing_bytes_content"], "hex: 010203");
}

TEST(DcapQuote, HeaderErrors) {
  CLOISTER_REQUIRE_EVIDENCE();
  const auto good = quote_of("dcapqvl-tdx-v4");
  auto q = good;
  put_u16(q, 0, 2);
  EXPECT_NE(error_of(q).find("version 2"), std::string::npos);
  q = good;
  put_u16(q, 2, 3);
  EXPECT_NE(error_of(q).find("attestation key type 3"), std::string::npos);
  q = good;
  put_u32(q, 4, 0x7f);
  EXPECT_NE(error_of(q).find("TEE type"), std::string::npos);
  auto v3 = quote_of("dcapqvl-sgx-v3");
  put_u32(v3, 4, kTeeTypeTdx);
  EXPECT_NE(error_of(v3).find("SGX only"), std::string::npos);
}

TEST(DcapQuote, V5BodyDescriptorErrors) {
  CLOISTER_REQUIRE_EVIDENCE();
  const auto good = quote_of("gotdx-tdx-v5-uptodate");
  auto q = good;
  put_u16(q, 48, 9);
  EXPECT_NE(error_of(q).find("body type 9"), std::string::npos);
  q = good;
  put_u16(q, 48, 1);  // SGX body in a TDX quote
  EXPECT_NE(error_of(q).find("does not match TEE type"), std::string::npos);
  q = good;
  put_u32(q, 50, 584);  // type 3 with the TDX 1.0 size
  EXPECT_NE(error_of(q).find("must be 648 bytes"), std::string::npos);
}

TEST(DcapQuote, LengthFieldErrors) {
  CLOISTER_REQUIRE_EVIDENCE();
  const auto good = quote_of("dcapqvl-tdx-v4");
  const size_t sig_len_at = kHeaderSize + kTdx10BodySize;
  auto q = good;
  put_u32(q, sig_len_at, 0xfffffff0u);
  EXPECT_NE(error_of(q).find("signature data"), std::string::npos);
  // A signature data length one short leaves the certification data incomplete.
  q = good;
  uint32_t len = 0;
  std::memcpy(&len, &q[sig_len_at], 4);
  put_u32(q, sig_len_at, len - 1);
  EXPECT_NE(error_of(q).find("declared"), std::string::npos);
  // One too long: trailing bytes inside the signature data.
  q = good;  // the v4 file has 70 trailing zero bytes to borrow
  put_u32(q, sig_len_at, len + 1);
  EXPECT_NE(error_of(q).find("unexpected bytes"), std::string::npos);
  // Outer certification data type must be 6 in v4/v5.
  q = good;
  put_u16(q, sig_len_at + 4 + 128, 5);
  EXPECT_NE(error_of(q).find("type 6"), std::string::npos);
  // QE auth data longer than what is there.
  q = good;
  put_u16(q, sig_len_at + 4 + 128 + 6 + kSgxReportBodySize + 64, 0xffff);
  EXPECT_NE(error_of(q).find("QE auth data"), std::string::npos);
}

TEST(DcapQuote, ClaimsWithoutAPckChain) {
  CLOISTER_REQUIRE_EVIDENCE();
  auto q = parse_quote(quote_of("dcapqvl-sgx-v3"), nullptr);
  ASSERT_TRUE(q);
  q->cert_data_type = 3;  // e.g. an encrypted PPID: no chain to read
  Claims c = claims_from_quote(*q);
  EXPECT_EQ(c.platform, Platform::Sgx);
  EXPECT_FALSE(c.details.contains("fmspc"));
  EXPECT_EQ(c.details["mrenclave"],
            "33d8736db756ed4997e04ba358d27833188f1932ff7b1d156904d3f560452fbb");
}

}  // namespace
}  // namespace cloister::attest::dcap
