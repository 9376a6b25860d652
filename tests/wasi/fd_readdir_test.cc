// SPDX-License-Identifier: Apache-2.0
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "fd_test_util.h"

namespace cloister::wasi::testing {
namespace {

constexpr uint32_t kBuf = 1000, kOut = 900;

struct Entry {
  uint64_t next = 0;
  uint64_t ino = 0;
  uint8_t type = 0;
  std::string name;
};

class FdReaddirTest : public FdTest {
 protected:
  // Calls fd_readdir into a `len`-byte buffer; parses the complete entries
  // and says whether the buffer was filled (more may follow).
  std::vector<Entry> read(uint32_t fd, uint64_t cookie, uint32_t len, bool* full = nullptr,
                          Errno expect = Errno::Success) {
    std::vector<Entry> out;
    EXPECT_EQ(call("fd_readdir", {i32(fd), i32(kBuf), i32(len), i64(cookie), i32(kOut)}), expect);
    if (expect != Errno::Success) return out;
    const uint32_t used = get_u32(kOut);
    EXPECT_LE(used, len);
    if (full) *full = used == len;
    uint32_t at = 0;
    while (at + layout::kDirentSize <= used) {
      Entry e;
      e.next = get_u64(kBuf + at + layout::kDirentNext);
      e.ino = get_u64(kBuf + at + layout::kDirentIno);
      e.type = get_u8(kBuf + at + layout::kDirentType);
      const uint32_t namlen = get_u32(kBuf + at + layout::kDirentNamlen);
      if (at + layout::kDirentSize + namlen > used) break;  // cut short
      e.name = get_bytes(kBuf + at + layout::kDirentSize, namlen);
      out.push_back(e);
      at += layout::kDirentSize + namlen;
    }
    return out;
  }
  // Every entry, by following cookies with a buffer of `len` bytes.
  std::vector<Entry> read_all(uint32_t fd, uint32_t len) {
    std::vector<Entry> all;
    uint64_t cookie = 0;
    for (int guard = 0; guard < 10000; ++guard) {
      bool full = false;
      std::vector<Entry> got = read(fd, cookie, len, &full);
      all.insert(all.end(), got.begin(), got.end());
      if (!full) return all;
      EXPECT_FALSE(got.empty()) << "buffer too small for one entry";
      if (got.empty()) return all;
      cookie = got.back().next;
    }
    ADD_FAILURE() << "no end";
    return all;
  }
  static std::vector<std::string> names(const std::vector<Entry>& v) {
    std::vector<std::string> n;
    for (const Entry& e : v) n.push_back(e.name);
    std::sort(n.begin(), n.end());
    return n;
  }
};

TEST_F(FdReaddirTest, EmptyDirectoryHasDotAndDotDot) {
  bool full = true;
  auto got = read(3, 0, 256, &full);
  EXPECT_FALSE(full);
  ASSERT_EQ(names(got), (std::vector<std::string>{".", ".."}));
  struct stat st {};
  ASSERT_EQ(::stat(root_.c_str(), &st), 0);
  for (const Entry& e : got) {
    EXPECT_EQ(e.type, static_cast<uint8_t>(Filetype::Directory));
    // ".." of a preopen would name the host directory above the sandbox: it
    // reports the preopen's own inode instead.
    EXPECT_EQ(e.ino, st.st_ino) << e.name;
  }
}

TEST_F(FdReaddirTest, TypesInodesAndCookies) {
  write_host_file("file", "x");
  ASSERT_EQ(::mkdir(host_path("sub").c_str(), 0755), 0);
  ASSERT_EQ(::symlink("file", host_path("link").c_str()), 0);
  auto got = read(3, 0, 1024);
  ASSERT_EQ(names(got), (std::vector<std::string>{".", "..", "file", "link", "sub"}));
  std::map<std::string, Entry> by_name;
  for (const Entry& e : got) by_name[e.name] = e;
  struct stat st {};
  ASSERT_EQ(::lstat(host_path("file").c_str(), &st), 0);
  EXPECT_EQ(by_name["file"].ino, st.st_ino);
  EXPECT_EQ(by_name["file"].type, static_cast<uint8_t>(Filetype::RegularFile));
  EXPECT_EQ(by_name["sub"].type, static_cast<uint8_t>(Filetype::Directory));
  EXPECT_EQ(by_name["link"].type, static_cast<uint8_t>(Filetype::SymbolicLink));
  // Resuming from any entry's d_next gives exactly the entries after it.
  for (size_t i = 0; i < got.size(); ++i) {
    auto rest = read(3, got[i].next, 1024);
    ASSERT_EQ(rest.size(), got.size() - i - 1) << "after " << got[i].name;
    for (size_t j = 0; j < rest.size(); ++j) EXPECT_EQ(rest[j].name, got[i + 1 + j].name);
  }
  // The same cookie twice gives the same answer (no hidden stream state).
  EXPECT_EQ(names(read(3, got[1].next, 1024)), names(read(3, got[1].next, 1024)));
}

TEST_F(FdReaddirTest, SmallBuffersAreFilledAndResumed) {
  // fd_readdir_lots (Rust test suite): 100 files through a 256-byte buffer.
  for (int i = 0; i < 100; ++i) write_host_file("file." + std::to_string(i), "");
  for (uint32_t len : {256u, 40u, 1000u}) {
    auto all = read_all(3, len);
    EXPECT_EQ(all.size(), 102u) << len;
    auto n = names(all);
    EXPECT_EQ(std::adjacent_find(n.begin(), n.end()), n.end()) << "duplicates at " << len;
  }
}

TEST_F(FdReaddirTest, TheLastEntryIsCutToFillTheBuffer) {
  write_host_file("a-rather-long-file-name", "");
  // Find how many bytes the listing needs, then ask for one byte less.
  bool full = true;
  auto got = read(3, 0, 4096, &full);
  ASSERT_FALSE(full);
  const uint32_t need = get_u32(kOut);
  put_bytes(kBuf + need - 1, "\xEE\xEE");
  got = read(3, 0, need - 1, &full);
  EXPECT_TRUE(full);
  EXPECT_EQ(get_u32(kOut), need - 1);
  EXPECT_EQ(got.size(), 2u);                                      // the third is incomplete
  EXPECT_EQ(static_cast<uint8_t>(mem()[kBuf + need - 1]), 0xEE);  // nothing written past buf_len
  // A buffer smaller than one header gets a partial header.
  read(3, 0, 10, &full);
  EXPECT_TRUE(full);
  EXPECT_EQ(get_u32(kOut), 10u);
  // Zero bytes: nothing.
  read(3, 0, 0, &full);
  EXPECT_EQ(get_u32(kOut), 0u);
}

TEST_F(FdReaddirTest, ChangesBetweenCallsNeitherSkipNorRepeat) {
  for (int i = 0; i < 20; ++i) write_host_file("f" + std::to_string(i), "");
  bool full = false;
  auto first = read(3, 0, 200, &full);
  ASSERT_TRUE(full);
  ASSERT_GE(first.size(), 3u);
  // Remove an entry already returned and add one; continue from the cookie.
  std::string removed;
  for (const Entry& e : first) {
    if (e.name != "." && e.name != "..") removed = e.name;
  }
  ASSERT_FALSE(removed.empty());
  ASSERT_EQ(::unlink(host_path(removed).c_str()), 0);
  uint64_t cookie = first.back().next;
  std::vector<Entry> all = first;
  for (;;) {
    auto got = read(3, cookie, 200, &full);
    all.insert(all.end(), got.begin(), got.end());
    if (!full) break;
    cookie = got.back().next;
  }
  auto n = names(all);
  EXPECT_EQ(n.size(), 22u);
  EXPECT_EQ(std::adjacent_find(n.begin(), n.end()), n.end());
}

TEST_F(FdReaddirTest, Errors) {
  // Rights, closed fds, non-directories, bad pointers.
  const uint32_t file = open_file("f", O_RDWR | O_CREAT, kRw | rights::kFdReaddir);
  read(file, 0, 100, nullptr, Errno::NotDir);
  const int dir = ::open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  const uint32_t no_right = add_fd(dir, rights::kDirectory & ~rights::kFdReaddir);
  read(no_right, 0, 100, nullptr, Errno::NotCapable);
  read(99, 0, 100, nullptr, Errno::Badf);
  EXPECT_EQ(call("fd_readdir", {i32(3), i32(kPage - 10), i32(11), i64(0), i32(kOut)}),
            Errno::Fault);
  EXPECT_EQ(call("fd_readdir", {i32(3), i32(kBuf), i32(100), i64(0), i32(kPage - 3)}),
            Errno::Fault);
  EXPECT_EQ(call("fd_readdir", {i32(3), i32(kBuf), i32(100), i64(1ull << 63), i32(kOut)}),
            Errno::Inval);
}

TEST_F(FdReaddirTest, WorksOnAnOPathDescriptor) {
  // Directories opened with O_PATH cannot be read directly; fd_readdir
  // reopens them for reading.
  write_host_file("only", "");
  const int dir = ::open(root_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  const uint32_t fd = add_fd(dir, rights::kDirectory);
  EXPECT_EQ(names(read(fd, 0, 1024)), (std::vector<std::string>{".", "..", "only"}));
}

}  // namespace
}  // namespace cloister::wasi::testing
