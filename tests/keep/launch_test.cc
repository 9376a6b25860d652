// SPDX-License-Identifier: Apache-2.0
#include "keep/launch.h"

#include <gtest/gtest.h>

#include <cstring>

namespace cloister::keep {
namespace {

Launch sample() {
  Launch l;
  l.module_name = "app.wasm";
  l.module = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
  l.args = {"one", "two words", ""};
  l.env = {"A=1", "EMPTY=", "MULTI=line\nbreak"};
  l.files = {
      {LaunchFileKind::Stdin, 0, "", "", false},
      {LaunchFileKind::Stdout, 1, "out", "", false},
      {LaunchFileKind::Listen, 4, "web", "", false},
      {LaunchFileKind::Dir, 5, "data", "/data", true},
  };
  return l;
}

void put_u32_at(std::vector<uint8_t>& b, size_t at, uint32_t v) {
  std::memcpy(b.data() + at, &v, 4);
}

TEST(Launch, RoundTrips) {
  const Launch l = sample();
  auto d = decode_launch(encode_launch(l));
  ASSERT_TRUE(d.has_value()) << d.error().message();
  EXPECT_EQ(d->module_name, l.module_name);
  EXPECT_EQ(d->module, l.module);
  EXPECT_EQ(d->args, l.args);
  EXPECT_EQ(d->env, l.env);
  ASSERT_EQ(d->files.size(), l.files.size());
  for (size_t i = 0; i < l.files.size(); ++i) {
    EXPECT_EQ(d->files[i].kind, l.files[i].kind);
    EXPECT_EQ(d->files[i].keep_fd, l.files[i].keep_fd);
    EXPECT_EQ(d->files[i].name, l.files[i].name);
    EXPECT_EQ(d->files[i].preopen, l.files[i].preopen);
    EXPECT_EQ(d->files[i].read_only, l.files[i].read_only);
  }
}

TEST(Launch, EveryTruncationIsAnErrorNamingTheField) {
  const std::vector<uint8_t> full = encode_launch(sample());
  for (size_t n = 0; n < full.size(); ++n) {
    auto d = decode_launch({full.data(), n});
    ASSERT_FALSE(d.has_value()) << "accepted a prefix of " << n << " bytes";
    EXPECT_TRUE(d.error().message().starts_with("launch message: ")) << d.error().message();
  }
}

TEST(Launch, RefusesBadMagicVersionAndTrailingBytes) {
  std::vector<uint8_t> b = encode_launch(sample());
  std::vector<uint8_t> magic = b;
  magic[0] = 'X';
  EXPECT_NE(decode_launch(magic).error().message().find("bad magic"), std::string::npos);
  std::vector<uint8_t> version = b;
  put_u32_at(version, 8, 2);
  EXPECT_NE(decode_launch(version).error().message().find("version 2"), std::string::npos);
  std::vector<uint8_t> trailing = b;
  trailing.push_back(0);
  EXPECT_NE(decode_launch(trailing).error().message().find("1 trailing bytes"), std::string::npos);
}

TEST(Launch, RefusesLengthsBeyondTheMessageOrTheLimits) {
  std::vector<uint8_t> b = encode_launch(sample());
  // module_name length at offset 12.
  put_u32_at(b, 12, 0xffffffff);
  auto d = decode_launch(b);
  ASSERT_FALSE(d.has_value());
  EXPECT_NE(d.error().message().find("module_name at offset 12"), std::string::npos)
      << d.error().message();

  Launch big;
  big.module_name = "m";
  std::vector<uint8_t> huge = encode_launch(big);
  // The module length follows "m": offset 12 + 4 + 1.
  put_u32_at(huge, 17, kMaxModuleBytes + 1);
  d = decode_launch(huge);
  ASSERT_FALSE(d.has_value());
  EXPECT_NE(d.error().message().find("exceeds the limit"), std::string::npos)
      << d.error().message();
}

TEST(Launch, RefusesMalformedEntries) {
  Launch l = sample();
  l.env = {"NOEQUALS"};
  EXPECT_NE(decode_launch(encode_launch(l)).error().message().find("KEY=value"), std::string::npos);
  l = sample();
  l.files[0].preopen = "/x";  // only dir entries have one
  EXPECT_NE(decode_launch(encode_launch(l)).error().message().find("files[0]"), std::string::npos);
  l = sample();
  l.files[3].preopen = "";  // dir entries need one
  EXPECT_NE(decode_launch(encode_launch(l)).error().message().find("files[3]"), std::string::npos);
  l = sample();
  l.files[1].keep_fd = -5;
  EXPECT_NE(decode_launch(encode_launch(l)).error().message().find("negative"), std::string::npos);
  std::vector<uint8_t> b = encode_launch(sample());
  // The first file's kind byte sits right after the files count; corrupt
  // every byte value there except the valid kinds.
  const std::vector<uint8_t> ok = b;
  size_t kind_at = 0;
  for (size_t i = 0; i + 5 < ok.size(); ++i) {
    if (ok[i] == 4 && ok[i + 1] == 0 && ok[i + 2] == 0 && ok[i + 3] == 0 &&
        ok[i + 4] == static_cast<uint8_t>(LaunchFileKind::Stdin) && ok[i + 5] == 0) {
      kind_at = i + 4;
    }
  }
  ASSERT_NE(kind_at, 0u);
  b[kind_at] = 7;
  EXPECT_NE(decode_launch(b).error().message().find("unknown kind 7"), std::string::npos);
}

}  // namespace
}  // namespace cloister::keep
