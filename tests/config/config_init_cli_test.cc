// SPDX-License-Identifier: Apache-2.0
//
// `cloister config init`, run as a user would.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "../cli/cli_runner.h"
#include "config/keep_config.h"

namespace cloister::config {
namespace {

using cloister::testing::run_cloister;

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class ConfigInitCli : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "cloister-init-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(ConfigInitCli, WritesTheTemplateToTheGivenPath) {
  const auto path = dir_ / "app.toml";
  auto r = run_cloister({"config", "init", path.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_NE(r.out.find("wrote a Cloister.toml template to " + path.string()), std::string::npos)
      << r.out;
  EXPECT_EQ(slurp(path), config_template());
  EXPECT_TRUE(load_config(path.string()));
}

TEST_F(ConfigInitCli, DefaultsToCloisterTomlInTheCurrentDirectory) {
  const std::string cmd = "cd " + cloister::testing::shell_quote(dir_.string()) + " && " +
                          cloister::testing::shell_quote(cloister::testing::cloister_binary()) +
                          " config init >/dev/null";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  EXPECT_EQ(slurp(dir_ / "Cloister.toml"), config_template());
}

TEST_F(ConfigInitCli, RefusesToOverwriteWithoutForce) {
  const auto path = dir_ / "Cloister.toml";
  std::ofstream(path) << "# mine\n";
  auto r = run_cloister({"config", "init", path.string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "cloister config init: error: " + path.string() +
                       " already exists; use --force to overwrite it\n");
  EXPECT_EQ(slurp(path), "# mine\n");

  r = run_cloister({"config", "init", "--force", path.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(slurp(path), config_template());
}

TEST_F(ConfigInitCli, ReportsUnwritablePaths) {
  auto r = run_cloister({"config", "init", (dir_ / "no" / "such" / "dir.toml").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "cloister config init: error: cannot create " +
                       (dir_ / "no" / "such" / "dir.toml").string() +
                       ": No such file or directory\n");

  r = run_cloister({"config", "init", "--force", dir_.string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "cloister config init: error: " + dir_.string() +
                       " is a directory; give the path of the file to write\n");
}

}  // namespace
}  // namespace cloister::config
