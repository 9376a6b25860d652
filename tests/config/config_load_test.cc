// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "config/keep_config.h"
#include "config_test_util.h"

namespace cloister::config {
namespace {

class LoadConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "cloister-config-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text) {
    const auto path = dir_ / name;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
    return path.string();
  }

  std::filesystem::path dir_;
};

TEST_F(LoadConfigTest, LoadsAndResolvesRelativeHostsAgainstTheConfigsDirectory) {
  const std::string path =
      write("app/Cloister.toml",
            "args = [\"x\"]\n[[files]]\nkind = \"dir\"\nhost = \"data\"\nguest = "
            "\"/data\"\nmode = \"rw\"\n");
  auto c = load_config(path);
  ASSERT_TRUE(c) << c.error().message();
  EXPECT_EQ(c->args, std::vector<std::string>{"x"});
  ASSERT_EQ(c->files.size(), 1u);
  EXPECT_EQ(c->files[0].host_path, (dir_ / "app" / "data").string());
  EXPECT_FALSE(c->files[0].read_only);
}

TEST_F(LoadConfigTest, RelativeConfigPathIsRelativeToTheCurrentDirectory) {
  write("app/Cloister.toml", "[[files]]\nkind = \"dir\"\nhost = \"./data\"\nguest = \"d\"\n");
  const auto saved = std::filesystem::current_path();
  std::filesystem::current_path(dir_);
  auto c = load_config("app/Cloister.toml");
  std::filesystem::current_path(saved);
  ASSERT_TRUE(c) << c.error().message();
  EXPECT_EQ(c->files.at(0).host_path, (dir_ / "app" / "data").string());
}

TEST_F(LoadConfigTest, EmptyFileIsTheDefault) {
  auto c = load_config(write("Cloister.toml", ""));
  ASSERT_TRUE(c) << c.error().message();
  expect_same_config(*c, default_config());
}

TEST_F(LoadConfigTest, ErrorsNameThePathAndPosition) {
  const std::string path = write("Cloister.toml", "\n\n[[files]]\nkind = \"pipe\"\n");
  auto c = load_config(path);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().message(),
            path +
                ":4:8: files[0]: unknown kind \"pipe\" (expected one of null, stdin, stdout, "
                "stderr, listen, connect, dir)");
}

TEST_F(LoadConfigTest, MissingFile) {
  const std::string path = (dir_ / "nope.toml").string();
  auto c = load_config(path);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().message(), "cannot read config: " + path + ": No such file or directory");
}

TEST_F(LoadConfigTest, DirectoryInsteadOfFile) {
  auto c = load_config(dir_.string());
  ASSERT_FALSE(c);
  EXPECT_TRUE(c.error().message().starts_with("cannot read config: " + dir_.string() + ": "))
      << c.error().message();
}

TEST_F(LoadConfigTest, RefusesHugeFiles) {
  const std::string path = write("big.toml", "# " + std::string(size_t{1} << 20, 'x') + "\n");
  auto c = load_config(path);
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message().find("larger than the limit"), std::string::npos)
      << c.error().message();
}

TEST_F(LoadConfigTest, UnreadableFile) {
  if (::geteuid() == 0) GTEST_SKIP() << "root can read any file";
  const std::string path = write("Cloister.toml", "");
  std::filesystem::permissions(path, std::filesystem::perms::none);
  auto c = load_config(path);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().message(), "cannot read config: " + path + ": Permission denied");
}

}  // namespace
}  // namespace cloister::config
