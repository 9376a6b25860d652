// SPDX-License-Identifier: Apache-2.0
//
// Sandbox escapes: every way a path could reach outside its directory
// descriptor fails with the documented errno and changes nothing outside.
// "outside" is a sibling of the preopened temporary directory holding a
// secret file; the tree holds symlinks pointing at it in every form.
#include <stdlib.h>
#include <sys/stat.h>

#include <atomic>
#include <filesystem>
#include <random>
#include <set>
#include <thread>

#include "path_test_util.h"

namespace cloister::wasi::testing {
namespace {

using namespace rights;

class PathEscapeTest : public PathTest {
 protected:
  void SetUp() override {
    PathTest::SetUp();
    char tmpl[] = "/tmp/cloister-wasi-outside-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    outside_ = tmpl;
    std::ofstream(outside_ + "/secret") << "secret";
    ASSERT_EQ(::mkdir((outside_ + "/subdir").c_str(), 0777), 0);
    const std::string rel_outside = "../" + std::filesystem::path(outside_).filename().string();
    // Symlinks inside the tree that lead out: absolute, relative, to the
    // host root, and dangling ones whose targets would be created outside.
    ASSERT_EQ(::symlink(outside_.c_str(), host_path("abs").c_str()), 0);
    ASSERT_EQ(::symlink(rel_outside.c_str(), host_path("rel").c_str()), 0);
    ASSERT_EQ(::symlink("/", host_path("root").c_str()), 0);
    ASSERT_EQ(::symlink("../..", host_path("up").c_str()), 0);
    ASSERT_EQ(::symlink((outside_ + "/created").c_str(), host_path("dangling_abs").c_str()), 0);
    ASSERT_EQ(::symlink((rel_outside + "/created").c_str(), host_path("dangling_rel").c_str()), 0);
    ASSERT_EQ(::symlink((outside_ + "/secret").c_str(), host_path("secret_link").c_str()), 0);
    write_host("file", "inside");
    ASSERT_EQ(::stat(outside_.c_str(), &outside_before_), 0);
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(outside_, ec);
    PathTest::TearDown();
  }
  // The outside directory is exactly as SetUp left it.
  void expect_outside_untouched() {
    EXPECT_EQ(read_file(outside_ + "/secret"), "secret");
    EXPECT_TRUE(host_exists(outside_ + "/subdir"));
    EXPECT_FALSE(host_exists(outside_ + "/created"));
    EXPECT_FALSE(host_exists(outside_ + "/new"));
    size_t n = 0;
    for (const auto& e : std::filesystem::directory_iterator(outside_)) (void)e, ++n;
    EXPECT_EQ(n, 2u);
    struct stat st {};
    ASSERT_EQ(::stat(outside_.c_str(), &st), 0);
    EXPECT_EQ(st.st_mtim.tv_sec, outside_before_.st_mtim.tv_sec);
    EXPECT_EQ(st.st_mtim.tv_nsec, outside_before_.st_mtim.tv_nsec);
  }
  static std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }
  Errno open_follow(std::string_view path, uint32_t oflags = 0) {
    return open(path, oflags, kFdRead, 0, 0, kLookupSymlinkFollow);
  }

  std::string outside_;
  struct stat outside_before_ {};
};

TEST_F(PathEscapeTest, DotDotIsNotCapable) {
  ASSERT_EQ(mkdir("a"), Errno::Success);
  EXPECT_EQ(open(".."), Errno::NotCapable);
  EXPECT_EQ(open("../secret"), Errno::NotCapable);
  EXPECT_EQ(open("a/../../x", kOflagCreat), Errno::NotCapable);
  EXPECT_EQ(open("a/../a/../.."), Errno::NotCapable);
  EXPECT_EQ(stat(".."), Errno::NotCapable);
  EXPECT_EQ(stat("a/../.."), Errno::NotCapable);
  EXPECT_EQ(mkdir("../new"), Errno::NotCapable);
  EXPECT_EQ(mkdir(".."), Errno::NotCapable);
  EXPECT_EQ(rmdir(".."), Errno::NotCapable);
  EXPECT_EQ(unlink("a/../../x"), Errno::NotCapable);
  expect_outside_untouched();
}

TEST_F(PathEscapeTest, AbsolutePathsAreNotCapable) {
  EXPECT_EQ(open("/etc/passwd"), Errno::NotCapable);
  EXPECT_EQ(open(outside_ + "/secret"), Errno::NotCapable);
  EXPECT_EQ(open("/", kOflagDirectory), Errno::NotCapable);
  EXPECT_EQ(stat("/etc/passwd"), Errno::NotCapable);
  EXPECT_EQ(mkdir(outside_ + "/new"), Errno::NotCapable);
  EXPECT_EQ(unlink(outside_ + "/secret"), Errno::NotCapable);
  EXPECT_EQ(rename("file", outside_ + "/new"), Errno::NotCapable);
  EXPECT_EQ(link("file", outside_ + "/new"), Errno::NotCapable);
  EXPECT_EQ(symlink("file", outside_ + "/new"), Errno::NotCapable);
  EXPECT_EQ(set_times(outside_, true, 0, 0, kFstMtimNow), Errno::NotCapable);
  expect_outside_untouched();
}

TEST_F(PathEscapeTest, OpenThroughSymlinksThatLeadOut) {
  for (const char* path : {"abs/secret", "rel/secret", "root/etc/passwd", "up/etc/passwd"}) {
    EXPECT_EQ(open(path), Errno::NotCapable) << path;
    EXPECT_EQ(open_follow(path), Errno::NotCapable) << path;
  }
  for (const char* path : {"abs", "rel", "root", "up"}) {
    EXPECT_EQ(open_follow(path, kOflagDirectory), Errno::NotCapable) << path;
    EXPECT_EQ(open(std::string(path) + "/"), Errno::NotCapable) << path;
    EXPECT_EQ(open(path), Errno::Loop) << path;
  }
  EXPECT_EQ(open_follow("secret_link"), Errno::NotCapable);
  EXPECT_EQ(open("secret_link"), Errno::Loop);
  expect_outside_untouched();
}

TEST_F(PathEscapeTest, CreateThroughSymlinksThatLeadOut) {
  EXPECT_EQ(open("abs/new", kOflagCreat), Errno::NotCapable);
  EXPECT_EQ(open("rel/new", kOflagCreat), Errno::NotCapable);
  EXPECT_EQ(open_follow("dangling_abs", kOflagCreat), Errno::NotCapable);
  EXPECT_EQ(open_follow("dangling_rel", kOflagCreat), Errno::NotCapable);
  EXPECT_EQ(open("dangling_abs", kOflagCreat), Errno::Loop);
  EXPECT_EQ(open_follow("secret_link", kOflagTrunc), Errno::NotCapable);
  EXPECT_EQ(mkdir("abs/new"), Errno::NotCapable);
  EXPECT_EQ(mkdir("rel/new"), Errno::NotCapable);
  EXPECT_EQ(mkdir("dangling_abs"), Errno::Exist);
  EXPECT_EQ(mkdir("dangling_abs/"), Errno::Exist);
  EXPECT_EQ(symlink("x", "abs/new"), Errno::NotCapable);
  EXPECT_EQ(symlink("x", "dangling_abs/"), Errno::Exist);
  EXPECT_EQ(link("file", "abs/new"), Errno::NotCapable);
  EXPECT_EQ(link("file", "dangling_abs"), Errno::Exist);
  EXPECT_EQ(rename("file", "rel/new"), Errno::NotCapable);
  expect_outside_untouched();
  EXPECT_EQ(read_host("file"), "inside");
}

TEST_F(PathEscapeTest, StatAndSetTimesThroughSymlinksThatLeadOut) {
  for (const char* path : {"abs", "rel", "root", "up", "secret_link"}) {
    EXPECT_EQ(stat(path), Errno::Success) << path;
    EXPECT_EQ(stat_type(), Filetype::SymbolicLink) << path;
    EXPECT_EQ(stat(path, true), Errno::NotCapable) << path;
    // A trailing slash makes Linux follow the link even without the flag.
    EXPECT_EQ(stat(std::string(path) + "/"), Errno::NotCapable) << path;
    EXPECT_EQ(set_times(path, true, 0, 0, kFstMtimNow | kFstAtimNow), Errno::NotCapable) << path;
    EXPECT_EQ(set_times(std::string(path) + "/", false, 0, 0, kFstMtimNow), Errno::NotCapable)
        << path;
  }
  EXPECT_EQ(stat("abs/secret"), Errno::NotCapable);
  EXPECT_EQ(set_times("abs/secret", false, 0, 0, kFstMtimNow), Errno::NotCapable);
  // Without following, set_times changes the link itself.
  EXPECT_EQ(set_times("abs", false, 0, 1'000'000'000, kFstMtim), Errno::Success);
  expect_outside_untouched();
}

TEST_F(PathEscapeTest, ReadlinkShowsTheTextButLeadsNowhere) {
  std::string text;
  ASSERT_EQ(readlink("abs", 256, &text), Errno::Success);
  EXPECT_EQ(text, outside_);
  EXPECT_EQ(readlink("abs/", 256, nullptr), Errno::NotCapable);
  EXPECT_EQ(readlink("abs/secret", 256, nullptr), Errno::NotCapable);
}

TEST_F(PathEscapeTest, UnlinkRemoveAndRenameThroughSymlinksThatLeadOut) {
  EXPECT_EQ(unlink("abs/secret"), Errno::NotCapable);
  EXPECT_EQ(unlink("rel/secret"), Errno::NotCapable);
  EXPECT_EQ(rmdir("abs/subdir"), Errno::NotCapable);
  EXPECT_EQ(rmdir("abs/"), Errno::NotDir);
  EXPECT_EQ(unlink("abs/"), Errno::NotDir);
  EXPECT_EQ(rename("abs/secret", "stolen"), Errno::NotCapable);
  EXPECT_EQ(rename("rel/secret", "stolen"), Errno::NotCapable);
  EXPECT_EQ(link("abs/secret", "stolen"), Errno::NotCapable);
  EXPECT_EQ(link("abs/", "stolen"), Errno::NotCapable);
  EXPECT_FALSE(exists("stolen"));
  expect_outside_untouched();
  // Removing or renaming the links themselves only touches the tree.
  EXPECT_EQ(rename("abs", "abs2"), Errno::Success);
  EXPECT_EQ(unlink("abs2"), Errno::Success);
  EXPECT_EQ(unlink("secret_link"), Errno::Success);
  expect_outside_untouched();
}

TEST_F(PathEscapeTest, HardLinkToASymlinkThatLeadsOutStaysALink) {
  // Linking the symlink (never what it points to) is fine and harmless.
  EXPECT_EQ(link("secret_link", "copy"), Errno::Success);
  EXPECT_EQ(open_follow("copy"), Errno::NotCapable);
  EXPECT_EQ(link("secret_link", "copy2", kLookupSymlinkFollow), Errno::Inval);
  expect_outside_untouched();
}

TEST_F(PathEscapeTest, RelativeSymlinkCreatedByTheGuestCannotBeFollowedOut) {
  ASSERT_EQ(mkdir("d"), Errno::Success);
  ASSERT_EQ(symlink("../../etc/passwd", "d/evil"), Errno::Success);
  EXPECT_EQ(open_follow("d/evil"), Errno::NotCapable);
  EXPECT_EQ(stat("d/evil", true), Errno::NotCapable);
  // And an escape attempt via an absolute target is refused up front.
  EXPECT_EQ(symlink("/etc/passwd", "d/evil2"), Errno::NotCapable);
  EXPECT_FALSE(exists("d/evil2"));
}

TEST_F(PathEscapeTest, SymlinkLoopIsLoop) {
  ASSERT_EQ(symlink("loop", "loop"), Errno::Success);
  ASSERT_EQ(symlink("b", "a"), Errno::Success);
  ASSERT_EQ(symlink("a", "b"), Errno::Success);
  EXPECT_EQ(open("loop"), Errno::Loop);
  EXPECT_EQ(open_follow("loop"), Errno::Loop);
  EXPECT_EQ(open_follow("a"), Errno::Loop);
  EXPECT_EQ(stat("a", true), Errno::Loop);
  EXPECT_EQ(mkdir("a/x"), Errno::Loop);
}

TEST_F(PathEscapeTest, ASubdirectoryDescriptorIsItsOwnSandbox) {
  ASSERT_EQ(mkdir("sub"), Errno::Success);
  ASSERT_EQ(open("sub", kOflagDirectory, kPathOpen | kPathFilestatGet | kPathCreateDirectory),
            Errno::Success);
  const uint32_t sub = opened();
  EXPECT_EQ(open("../file", 0, 0, 0, 0, 0, sub), Errno::NotCapable);
  EXPECT_EQ(stat("..", false, sub), Errno::NotCapable);
  EXPECT_EQ(mkdir("../x", sub), Errno::NotCapable);
  EXPECT_FALSE(exists("x"));
  EXPECT_EQ(stat(".", false, sub), Errno::Success);
}

TEST_F(PathEscapeTest, ReadOnlyPreopenRefusesEveryChange) {
  ASSERT_EQ(mkdir("dir"), Errno::Success);
  rebuild({.read_only_root = true});
  FdEntry* root = entry(kPreopen);
  EXPECT_EQ(root->rights_base & kWriting, 0u);
  // Write access stays in the inheriting rights only so that libc asks for
  // it when opening for writing, and is refused.
  EXPECT_EQ(root->rights_inheriting & kWriting, kWriteAccess);
  EXPECT_EQ(open("new", kOflagCreat), Errno::NotCapable);
  EXPECT_EQ(open("file", kOflagTrunc), Errno::NotCapable);
  EXPECT_EQ(open("file", 0, kFdWrite), Errno::NotCapable);
  EXPECT_EQ(open("file", 0, kFdRead | kFdAllocate), Errno::NotCapable);
  EXPECT_EQ(mkdir("newdir"), Errno::NotCapable);
  EXPECT_EQ(rmdir("dir"), Errno::NotCapable);
  EXPECT_EQ(unlink("file"), Errno::NotCapable);
  EXPECT_EQ(rename("file", "moved"), Errno::NotCapable);
  EXPECT_EQ(symlink("file", "s"), Errno::NotCapable);
  EXPECT_EQ(link("file", "l"), Errno::NotCapable);
  EXPECT_EQ(set_times("file", false, 0, 0, kFstMtimNow), Errno::NotCapable);
  EXPECT_FALSE(exists("new"));
  EXPECT_FALSE(exists("newdir"));
  EXPECT_FALSE(exists("moved"));
  EXPECT_FALSE(exists("s"));
  EXPECT_FALSE(exists("l"));
  EXPECT_TRUE(exists("dir"));
  EXPECT_EQ(read_host("file"), "inside");

  // Reading works; the new descriptor is read-only on the host too, whatever
  // is asked, and so is everything opened beneath a directory opened here.
  ASSERT_EQ(open("file", 0, kFdRead | kFdSeek | kFdFilestatSetTimes | kFdSync), Errno::Success);
  FdEntry* file = entry(opened());
  EXPECT_TRUE(file->read_only);
  EXPECT_EQ(file->rights_base, kFdRead | kFdSeek);
  EXPECT_EQ(::fcntl(file->host.get(), F_GETFL) & O_ACCMODE, O_RDONLY);
  ASSERT_EQ(open("dir", kOflagDirectory, kDirectory, kAll), Errno::Success);
  const uint32_t dir = opened();
  EXPECT_TRUE(entry(dir)->read_only);
  EXPECT_EQ(entry(dir)->rights_base & kWriting, 0u);
  EXPECT_EQ(entry(dir)->rights_inheriting & kWriting, kWriteAccess);
  // As libc opens with O_WRONLY: every right the directory passes on but
  // read access.
  EXPECT_EQ(open("file", 0, entry(dir)->rights_inheriting & ~kFdRead & ~kFdReaddir),
            Errno::NotCapable);
  EXPECT_EQ(open("file", 0, entry(kPreopen)->rights_inheriting & ~kWriteAccess), Errno::Success);
  // Even with rights restored by hand, the read-only mark refuses changes.
  entry(dir)->rights_base |= kWriting;
  EXPECT_EQ(mkdir("x", dir), Errno::NotCapable);
  EXPECT_EQ(open("x", kOflagCreat, 0, 0, 0, 0, dir), Errno::NotCapable);
  EXPECT_FALSE(exists("dir/x"));
  expect_outside_untouched();
}

TEST_F(PathEscapeTest, RandomPathsNeverResolveOutside) {
  // Property check: whatever path is made of "..", ".", real names, links
  // that lead out and slashes, what it opens, stats or creates is inside.
  ASSERT_EQ(mkdir("a"), Errno::Success);
  ASSERT_EQ(mkdir("a/b"), Errno::Success);
  ASSERT_EQ(::symlink("../..", host_path("a/b/up2").c_str()), 0);
  ASSERT_EQ(::symlink("b/up2/a", host_path("a/loopish").c_str()), 0);
  std::set<std::pair<dev_t, ino_t>> inside;
  auto collect = [&] {
    inside.clear();
    struct stat st {};
    ASSERT_EQ(::stat(root_.c_str(), &st), 0);
    inside.insert({st.st_dev, st.st_ino});
    for (const auto& e : std::filesystem::recursive_directory_iterator(root_)) {
      ASSERT_EQ(::lstat(e.path().c_str(), &st), 0);
      inside.insert({st.st_dev, st.st_ino});
    }
  };
  collect();
  const char* tokens[] = {"..",   ".",  "a",   "b",       "file",        "abs", "rel",
                          "root", "up", "up2", "loopish", "secret_link", "new", ""};
  std::mt19937 rng(20261127);
  int opened_count = 0, created = 0;
  for (int i = 0; i < 1500; ++i) {
    std::string path;
    const int n = 1 + static_cast<int>(rng() % 6);
    for (int k = 0; k < n; ++k) {
      if (k > 0) path += '/';
      path += tokens[rng() % std::size(tokens)];
    }
    if (rng() % 4 == 0) path += '/';
    const uint32_t dirflags = rng() % 2 ? kLookupSymlinkFollow : 0;
    if (open(path, 0, kFdRead, 0, 0, dirflags) == Errno::Success) {
      struct stat st {};
      ASSERT_EQ(::fstat(entry(opened())->host.get(), &st), 0);
      EXPECT_TRUE(inside.count({st.st_dev, st.st_ino})) << path;
      ++opened_count;
      close(opened());
    }
    if (stat(path, dirflags != 0) == Errno::Success) {
      EXPECT_TRUE(inside.count({get_u64(kStat), stat_ino()})) << path;
    }
    if (mkdir(path) == Errno::Success) {
      ++created;
      collect();
      ASSERT_EQ(stat(path), Errno::Success);
      EXPECT_TRUE(inside.count({get_u64(kStat), stat_ino()})) << path;
    }
  }
  EXPECT_GT(opened_count, 0);
  expect_outside_untouched();
  RecordProperty("opened", opened_count);
  RecordProperty("created", created);
}

TEST_F(PathEscapeTest, ConcurrentRenamesCannotOpenAHoleToOutside) {
  // Another thread keeps swapping "d" between a real directory (holding a
  // file named "secret" with inside content) and a symlink to outside; no
  // open of "d/secret" may ever reach the outside file.
  ASSERT_EQ(mkdir("real"), Errno::Success);
  write_host("real/secret", "inside");
  ASSERT_EQ(::symlink(outside_.c_str(), host_path("evil").c_str()), 0);
  std::atomic<bool> stop{false};
  std::thread swapper([&] {
    const std::string d = host_path("d"), real = host_path("real"), evil = host_path("evil");
    while (!stop.load()) {
      (void)::rename(real.c_str(), d.c_str());
      (void)::rename(d.c_str(), real.c_str());
      (void)::rename(evil.c_str(), d.c_str());
      (void)::rename(d.c_str(), evil.c_str());
    }
  });
  int inside = 0;
  for (int i = 0; i < 3000; ++i) {
    const Errno e = open("d/secret", 0, kFdRead);
    if (e != Errno::Success) {
      EXPECT_TRUE(e == Errno::NoEnt || e == Errno::NotCapable || e == Errno::NotDir)
          << static_cast<int>(e);
      continue;
    }
    char buf[16] = {};
    const ssize_t n = ::pread(entry(opened())->host.get(), buf, sizeof(buf), 0);
    EXPECT_EQ(std::string(buf, n > 0 ? n : 0), "inside");
    ++inside;
    close(opened());
  }
  stop = true;
  swapper.join();
  expect_outside_untouched();
  RecordProperty("opened_inside", inside);
}

}  // namespace
}  // namespace cloister::wasi::testing
