// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "config/keep_config.h"
#include "config_test_util.h"

namespace cloister::config {
namespace {

// The template's convention: examples are TOML lines behind a bare '#'
// ("#port = 8080"), prose is "# ..." or a lone "#". Enabling every example
// removes that one '#'.
std::string enable_every_example(const std::string& text) {
  std::istringstream in(text);
  std::string out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.size() > 1 && line[0] == '#' && line[1] != ' ' && line[1] != '#') line.erase(0, 1);
    out += line + '\n';
  }
  return out;
}

TEST(ConfigTemplate, ParsesToTheDefault) {
  auto c = parse_config(config_template(), "Cloister.toml", "/srv/app");
  ASSERT_TRUE(c) << c.error().message();
  expect_same_config(*c, default_config());
}

TEST(ConfigTemplate, EveryExampleIsValidAndMeansWhatItSays) {
  const std::string enabled = enable_every_example(config_template());
  ASSERT_NE(enabled, config_template());
  auto c = parse_config(enabled, "Cloister.toml", "/srv/app");
  ASSERT_TRUE(c) << c.error().message() << "\n" << enabled;
  EXPECT_TRUE(c->files_listed);
  EXPECT_EQ(c->args, (std::vector<std::string>{"--verbose", "input.txt"}));
  ASSERT_EQ(c->env.size(), 2u);
  EXPECT_EQ(c->env[0].first, "RUST_LOG");
  EXPECT_EQ(c->env[1].first, "GREETING");
  ASSERT_EQ(c->files.size(), 6u);
  EXPECT_EQ(c->files[0].kind, FileKind::Stdin);
  EXPECT_EQ(c->files[1].kind, FileKind::Stdout);
  EXPECT_EQ(c->files[2].kind, FileKind::Stderr);
  EXPECT_EQ(c->files[3].kind, FileKind::Listen);
  EXPECT_EQ(c->files[3].name, "web");
  EXPECT_EQ(c->files[3].addr, "::");
  EXPECT_EQ(c->files[3].port, 8080);
  EXPECT_EQ(c->files[4].kind, FileKind::Connect);
  EXPECT_EQ(c->files[4].host, "db.example.com");
  EXPECT_EQ(c->files[4].port, 5432);
  EXPECT_EQ(c->files[5].kind, FileKind::Dir);
  EXPECT_EQ(c->files[5].host_path, "/srv/app/data");
  EXPECT_EQ(c->files[5].guest_path, "/data");
  EXPECT_EQ(c->files[5].name, "/data");
  EXPECT_TRUE(c->files[5].read_only);
  EXPECT_EQ(c->keep.memory, uint64_t{1} << 30);
  EXPECT_TRUE(c->keep.require_confidential);
}

TEST(ConfigTemplate, MentionsEveryKey) {
  const std::string t = config_template();
  for (const char* key : {"args", "[env]", "[[files]]", "kind", "name", "addr", "port", "prot",
                          "host", "guest", "mode", "[keep]", "memory", "require", "FD_COUNT", "FD_NAMES", "\"null\"", "\"tls\""}) {
    EXPECT_NE(t.find(key), std::string::npos) << key;
  }
}

TEST(ConfigTemplate, LinesFitInEightyColumns) {
  std::istringstream in(config_template());
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    EXPECT_LE(line.size(), 80u) << "line " << number << ": " << line;
  }
}

}  // namespace
}  // namespace cloister::config
