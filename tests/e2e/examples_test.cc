// SPDX-License-Identifier: Apache-2.0
//
// Runs every example in examples/ through build/cloister, as a user would,
// and checks what it prints, writes and serves. Examples whose toolchain
// cmake/WasiToolchain.cmake did not find are skipped with that reason.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "cli/cli_runner.h"
#include "e2e/backends.h"

namespace {

namespace fs = std::filesystem;
using cloister::testing::BackgroundCloister;
using cloister::testing::run_cloister;

// ctest runs this suite once per backend (CLOISTER_TEST_BACKEND); a backend
// this machine cannot run skips every test, saying why.
class BackendEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    const char* backend = std::getenv("CLOISTER_TEST_BACKEND");
    if (backend == nullptr) return;
    if (const std::string why = cloister::testing::backend_unavailable(backend); !why.empty()) {
      GTEST_SKIP() << why;
    }
  }
};
[[maybe_unused]] const auto* const kBackendEnvironment =
    ::testing::AddGlobalTestEnvironment(new BackendEnvironment);

const fs::path kExamplesSrc = fs::path(CLOISTER_SOURCE_DIR) / "examples";
const fs::path kExamplesBin = fs::path(CLOISTER_BINARY_DIR) / "examples";

// Skips the test when the example's toolchain is missing; fails it when the
// toolchain is there but the module is not (a broken build, not a skip).
#define REQUIRE_EXAMPLE(toolchain_found, toolchain, name)                                    \
  do {                                                                                       \
    if (!(toolchain_found)) {                                                                \
      GTEST_SKIP() << "no wasm32-wasi " toolchain                                            \
                      " toolchain (see the cmake output and "                                \
                      "scripts/install-deps.sh), so " name " was not built";                 \
    }                                                                                        \
    ASSERT_TRUE(fs::exists(kExamplesBin / (name ".wasm"))) << kExamplesBin / (name ".wasm"); \
  } while (0)

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_file(const fs::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary) << text;
}

// A fresh directory for one test, removed afterwards.
class ScratchDir {
 public:
  ScratchDir() {
    std::string tmpl = (fs::temp_directory_path() / "cloister-examples-XXXXXX").string();
    if (mkdtemp(tmpl.data()) != nullptr) path_ = tmpl;
  }
  ~ScratchDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// --- hello-c, hello-cpp, hello-rust ---

struct Hello {
  const char* name;  // example directory and module name
  const char* language;
  bool built;
  const char* toolchain;
};

void PrintTo(const Hello& h, std::ostream* os) {
  *os << h.name;
}

// Each hello example: skipped without its toolchain, failed when the
// toolchain is there but the module is not (as REQUIRE_EXAMPLE does).
class HelloTest : public ::testing::TestWithParam<Hello> {
 protected:
  void SetUp() override {
    const Hello& h = GetParam();
    if (!h.built) {
      GTEST_SKIP() << "no wasm32-wasi " << h.toolchain << " toolchain, so " << h.name
                   << " was not built";
    }
    wasm = kExamplesBin / (std::string(h.name) + ".wasm");
    ASSERT_TRUE(fs::exists(wasm)) << wasm;
  }
  fs::path wasm;
};

TEST_P(HelloTest, GreetsTheWorldAndListsCommandLineArguments) {
  const Hello& h = GetParam();
  // No config: no environment variable NAME, arguments from the command line.
  const auto r = run_cloister({"run", wasm.string(), "--", "a", "b c"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, std::string("Hello, world! (from ") + h.language + ")\narg 1: a\narg 2: b c\n");
  EXPECT_EQ(r.err, "");
}

TEST_P(HelloTest, TakesArgumentsAndEnvironmentFromItsCloisterToml) {
  const Hello& h = GetParam();
  const fs::path toml = kExamplesSrc / h.name / "Cloister.toml";
  const auto r = run_cloister({"run", "--config", toml.string(), wasm.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, std::string("Hello, Cloister! (from ") + h.language +
                       ")\narg 1: one\narg 2: two words\n");
}

INSTANTIATE_TEST_SUITE_P(Examples, HelloTest,
                         ::testing::Values(Hello{"hello-c", "C", CLOISTER_EXAMPLES_C, "C"},
                                           Hello{"hello-cpp", "C++", CLOISTER_EXAMPLES_CXX, "C++"},
                                           Hello{"hello-rust", "Rust", CLOISTER_EXAMPLES_RUST,
                                                 "Rust"}),
                         [](const auto& info) {
                           std::string n = info.param.name;
                           for (char& c : n) c = c == '-' ? '_' : c;
                           return n;
                         });

// --- file-processing ---

const char kWordcountConfig[] = R"(args = ["/input", "/output/wordcount.txt"]
[[files]]
kind = "stdin"
[[files]]
kind = "stdout"
[[files]]
kind = "stderr"
[[files]]
kind = "dir"
host = "in"
guest = "/input"
mode = "ro"
[[files]]
kind = "dir"
host = "out"
guest = "/output"
mode = "OUTPUT_MODE"
)";

std::string wordcount_config(const std::string& output_mode) {
  std::string t = kWordcountConfig;
  t.replace(t.find("OUTPUT_MODE"), 11, output_mode);
  return t;
}

TEST(FileProcessing, CountsTheFilesOfTheInputPreopenIntoTheOutputPreopen) {
  REQUIRE_EXAMPLE(CLOISTER_EXAMPLES_C, "C", "file-processing");
  ScratchDir dir;
  ASSERT_FALSE(dir.path().empty());
  fs::create_directories(dir.path() / "in" / "subdir");
  fs::create_directories(dir.path() / "out");
  write_file(dir.path() / "in" / "b.txt", "one two\nthree\n");
  write_file(dir.path() / "in" / "a.txt", "  leading and trailing  \n\n");
  write_file(dir.path() / "in" / "empty", "");
  write_file(dir.path() / "in" / "subdir" / "ignored.txt", "not a regular file of in/\n");
  write_file(dir.path() / "Cloister.toml", wordcount_config("rw"));

  const auto r = run_cloister({"run", "--config", (dir.path() / "Cloister.toml").string(),
                               (kExamplesBin / "file-processing.wasm").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "wordcount: 3 files, 4 lines, 6 words, 40 bytes -> /output/wordcount.txt\n");
  EXPECT_EQ(read_file(dir.path() / "out" / "wordcount.txt"),
            "      2       3      26 a.txt\n"
            "      2       3      14 b.txt\n"
            "      0       0       0 empty\n"
            "      4       6      40 total\n");
}

TEST(FileProcessing, CannotWriteIntoAReadOnlyPreopen) {
  REQUIRE_EXAMPLE(CLOISTER_EXAMPLES_C, "C", "file-processing");
  ScratchDir dir;
  ASSERT_FALSE(dir.path().empty());
  fs::create_directories(dir.path() / "in");
  fs::create_directories(dir.path() / "out");
  write_file(dir.path() / "in" / "a.txt", "text\n");
  write_file(dir.path() / "Cloister.toml", wordcount_config("ro"));

  const auto r = run_cloister({"run", "--config", (dir.path() / "Cloister.toml").string(),
                               (kExamplesBin / "file-processing.wasm").string()});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.err.find("wordcount: cannot create /output/wordcount.txt: "), std::string::npos)
      << r.err;
  EXPECT_FALSE(fs::exists(dir.path() / "out" / "wordcount.txt"));
}

TEST(FileProcessing, RunsWithItsShippedCloisterToml) {
  REQUIRE_EXAMPLE(CLOISTER_EXAMPLES_C, "C", "file-processing");
  // A copy of the example directory, so the source tree stays clean.
  ScratchDir dir;
  ASSERT_FALSE(dir.path().empty());
  fs::copy(kExamplesSrc / "file-processing", dir.path(), fs::copy_options::recursive);
  const fs::path report = dir.path() / "output" / "wordcount.txt";
  fs::remove(report);

  const auto r = run_cloister({"run", "--config", (dir.path() / "Cloister.toml").string(),
                               (kExamplesBin / "file-processing.wasm").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_file(report),
            "      1       5      29 notes.txt\n"
            "      2      14      73 poem.txt\n"
            "      3      19     102 total\n");
}

// --- echo-server ---

// A TCP port that was free a moment ago (the server binds it next).
uint16_t free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  uint16_t port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

// Connects to 127.0.0.1:port, retrying while the server starts; -1 when it
// does not listen within 10 s or exits.
int connect_to(uint16_t port, BackgroundCloister& server) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline && server.running()) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) return fd;
    close(fd);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return -1;
}

// Sends `request`, half-closes, and returns everything the server sends
// until it closes (at most 10 s).
std::string exchange(int fd, const std::string& request) {
  timeval tv{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  size_t sent = 0;
  while (sent < request.size()) {
    const ssize_t n = send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<size_t>(n);
  }
  shutdown(fd, SHUT_WR);
  std::string reply;
  char buf[4096];
  ssize_t n;
  while ((n = recv(fd, buf, sizeof buf, 0)) > 0) reply.append(buf, static_cast<size_t>(n));
  close(fd);
  return reply;
}

TEST(EchoServer, EchoesLinesAndAnswersHttpOnItsListenSocket) {
  REQUIRE_EXAMPLE(CLOISTER_EXAMPLES_C, "C", "echo-server");
  ScratchDir dir;
  ASSERT_FALSE(dir.path().empty());
  const uint16_t port = free_port();
  ASSERT_NE(port, 0);
  // The shipped config with a free port instead of 8080.
  std::string toml = read_file(kExamplesSrc / "echo-server" / "Cloister.toml");
  const auto at = toml.find("port = 8080");
  ASSERT_NE(at, std::string::npos);
  toml.replace(at, 11, "port = " + std::to_string(port));
  write_file(dir.path() / "Cloister.toml", toml);

  BackgroundCloister server({"run", "--config", (dir.path() / "Cloister.toml").string(),
                             (kExamplesBin / "echo-server.wasm").string()});
  ASSERT_TRUE(server.started());

  const std::string lines = "hello, keep\nsecond line\n";
  int fd = connect_to(port, server);
  ASSERT_GE(fd, 0) << "server did not listen on port " << port << ": " << server.stop().err;
  EXPECT_EQ(exchange(fd, lines), lines);

  const std::string request = "GET /status HTTP/1.1\r\nHost: localhost\r\n\r\n";
  fd = connect_to(port, server);
  ASSERT_GE(fd, 0) << server.stop().err;
  EXPECT_EQ(exchange(fd, request),
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " +
                std::to_string(request.size()) + "\r\nConnection: close\r\n\r\n" + request);

  ASSERT_TRUE(server.running()) << "the server exited: " << server.stop().err;
  const auto r = server.stop();
  EXPECT_EQ(r.out,
            "echo-server: accepting connections on fd 3\n"
            "echo-server: echoed " +
                std::to_string(lines.size()) +
                " bytes\n"
                "echo-server: answered an HTTP request (" +
                std::to_string(request.size()) + " bytes)\n");
}

TEST(EchoServer, SaysWhatIsMissingWithoutAListenSocket) {
  REQUIRE_EXAMPLE(CLOISTER_EXAMPLES_C, "C", "echo-server");
  const auto r = run_cloister({"run", (kExamplesBin / "echo-server.wasm").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("echo-server: no fd named \"echo\" in FD_NAMES"), std::string::npos)
      << r.err;
}

}  // namespace
