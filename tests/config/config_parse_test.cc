// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "config/keep_config.h"

namespace cloister::config {
namespace {

constexpr char kSource[] = "Cloister.toml";
constexpr char kBase[] = "/srv/app";

KeepConfig parse_ok(const std::string& text) {
  auto c = parse_config(text, kSource, kBase);
  EXPECT_TRUE(c.has_value()) << (c ? "" : c.error().message());
  return c ? *c : KeepConfig{};
}

std::string parse_error(const std::string& text) {
  auto c = parse_config(text, kSource, kBase);
  EXPECT_FALSE(c.has_value()) << "parsed, but an error was expected:\n" << text;
  return c ? "" : c.error().message();
}

// The error is exactly one line, at `line`:`column`, and says `what`.
void expect_error(const std::string& text, int line, int column, const std::string& what) {
  const std::string message = parse_error(text);
  const std::string prefix =
      std::string(kSource) + ":" + std::to_string(line) + ":" + std::to_string(column) + ": ";
  EXPECT_TRUE(message.starts_with(prefix)) << "expected prefix '" << prefix << "', got:\n"
                                           << message;
  EXPECT_NE(message.find(what), std::string::npos) << "expected '" << what << "' in:\n" << message;
  EXPECT_EQ(message.find('\n'), std::string::npos) << "expected one error, got:\n" << message;
}

TEST(ConfigParse, EmptyFileIsTheDefault) {
  KeepConfig c = parse_ok("");
  EXPECT_FALSE(c.files_listed);
  EXPECT_TRUE(c.args.empty());
  EXPECT_TRUE(c.env.empty());
  ASSERT_EQ(c.files.size(), 3u);
  EXPECT_EQ(c.files[0].kind, FileKind::Stdin);
  EXPECT_EQ(c.files[0].name, "stdin");
  EXPECT_EQ(c.files[1].kind, FileKind::Stdout);
  EXPECT_EQ(c.files[1].name, "stdout");
  EXPECT_EQ(c.files[2].kind, FileKind::Stderr);
  EXPECT_EQ(c.files[2].name, "stderr");
}

TEST(ConfigParse, DefaultConfigIsStdioOnly) {
  KeepConfig c = default_config();
  EXPECT_FALSE(c.files_listed);
  EXPECT_TRUE(c.args.empty());
  EXPECT_TRUE(c.env.empty());
  ASSERT_EQ(c.files.size(), 3u);
  EXPECT_EQ(c.files[0].kind, FileKind::Stdin);
  EXPECT_EQ(c.files[1].kind, FileKind::Stdout);
  EXPECT_EQ(c.files[2].kind, FileKind::Stderr);
}

TEST(ConfigParse, Args) {
  KeepConfig c = parse_ok("args = [\"--port\", \"8080\", \"\", \"with space\"]\n");
  EXPECT_EQ(c.args, (std::vector<std::string>{"--port", "8080", "", "with space"}));
}

TEST(ConfigParse, EnvKeepsFileOrder) {
  KeepConfig c = parse_ok("[env]\nZED = \"1\"\nALPHA = \"\"\n\"dotted.key\" = \"a=b\"\n");
  ASSERT_EQ(c.env.size(), 3u);
  EXPECT_EQ(c.env[0], (std::pair<std::string, std::string>{"ZED", "1"}));
  EXPECT_EQ(c.env[1], (std::pair<std::string, std::string>{"ALPHA", ""}));
  EXPECT_EQ(c.env[2], (std::pair<std::string, std::string>{"dotted.key", "a=b"}));
}

TEST(ConfigParse, StdioAndNullWithDefaultAndExplicitNames) {
  KeepConfig c = parse_ok(R"(
[[files]]
kind = "null"
[[files]]
kind = "stdout"
name = "log"
[[files]]
kind = "stderr"
[[files]]
kind = "stdin"
)");
  ASSERT_EQ(c.files.size(), 4u);
  EXPECT_EQ(c.files[0].kind, FileKind::Null);
  EXPECT_EQ(c.files[0].name, "null");
  EXPECT_EQ(c.files[1].kind, FileKind::Stdout);
  EXPECT_EQ(c.files[1].name, "log");
  EXPECT_EQ(c.files[2].name, "stderr");
  EXPECT_EQ(c.files[3].kind, FileKind::Stdin);
}

TEST(ConfigParse, FilesListedMeansExactlyThose) {
  KeepConfig c = parse_ok("[[files]]\nkind = \"stdout\"\n");
  EXPECT_TRUE(c.files_listed);
  ASSERT_EQ(c.files.size(), 1u);
  EXPECT_EQ(c.files[0].kind, FileKind::Stdout);
  // An empty list grants no descriptors at all.
  KeepConfig none = parse_ok("files = []\n");
  EXPECT_TRUE(none.files_listed);
  EXPECT_TRUE(none.files.empty());
}

TEST(ConfigParse, InlineTablesWork) {
  KeepConfig c = parse_ok("files = [{ kind = \"null\" }, { kind = \"stderr\", name = \"e\" }]\n");
  ASSERT_EQ(c.files.size(), 2u);
  EXPECT_EQ(c.files[1].name, "e");
}

TEST(ConfigParse, ListenDefaultsAndExplicit) {
  KeepConfig c = parse_ok(R"(
[[files]]
kind = "listen"
name = "web"
port = 8080

[[files]]
kind = "listen"
name = "admin"
addr = "127.0.0.1"
port = 65535
prot = "tcp"
)");
  ASSERT_EQ(c.files.size(), 2u);
  EXPECT_EQ(c.files[0].kind, FileKind::Listen);
  EXPECT_EQ(c.files[0].name, "web");
  EXPECT_EQ(c.files[0].addr, "::");
  EXPECT_EQ(c.files[0].port, 8080);
  EXPECT_EQ(c.files[0].prot, Protocol::Tcp);
  EXPECT_EQ(c.files[1].addr, "127.0.0.1");
  EXPECT_EQ(c.files[1].port, 65535);
}

TEST(ConfigParse, Connect) {
  KeepConfig c = parse_ok(
      "[[files]]\nkind = \"connect\"\nname = \"db\"\nhost = \"db.example\"\nport = 1\n"
      "prot = \"tcp\"\n");
  ASSERT_EQ(c.files.size(), 1u);
  EXPECT_EQ(c.files[0].kind, FileKind::Connect);
  EXPECT_EQ(c.files[0].name, "db");
  EXPECT_EQ(c.files[0].host, "db.example");
  EXPECT_EQ(c.files[0].port, 1);
  EXPECT_EQ(c.files[0].prot, Protocol::Tcp);
}

TEST(ConfigParse, DirDefaultsAndModes) {
  KeepConfig c = parse_ok(R"(
[[files]]
kind = "dir"
host = "/var/data"
guest = "/data"

[[files]]
kind = "dir"
host = "out"
guest = "results"
mode = "rw"
name = "output"

[[files]]
kind = "dir"
host = "/"
guest = "/"
mode = "ro"
)");
  ASSERT_EQ(c.files.size(), 3u);
  EXPECT_EQ(c.files[0].kind, FileKind::Dir);
  EXPECT_EQ(c.files[0].host_path, "/var/data");
  EXPECT_EQ(c.files[0].guest_path, "/data");
  EXPECT_EQ(c.files[0].name, "/data");
  EXPECT_TRUE(c.files[0].read_only);
  EXPECT_EQ(c.files[1].host_path, "/srv/app/out");
  EXPECT_EQ(c.files[1].guest_path, "results");
  EXPECT_EQ(c.files[1].name, "output");
  EXPECT_FALSE(c.files[1].read_only);
  EXPECT_EQ(c.files[2].host_path, "/");
  EXPECT_EQ(c.files[2].name, "/");
  EXPECT_TRUE(c.files[2].read_only);
}

TEST(ConfigParse, RelativeHostPathsResolveAgainstBaseDir) {
  auto host_of = [](const std::string& host, const std::string& base) {
    auto c = parse_config("[[files]]\nkind = \"dir\"\nguest = \"/g\"\nhost = \"" + host + "\"\n",
                          kSource, base);
    EXPECT_TRUE(c.has_value()) << (c ? "" : c.error().message());
    return c ? c->files.at(0).host_path : std::string();
  };
  EXPECT_EQ(host_of("data", "/srv/app"), "/srv/app/data");
  EXPECT_EQ(host_of("./data/", "/srv/app/"), "/srv/app/data");
  EXPECT_EQ(host_of("a//b/./c", "/srv"), "/srv/a/b/c");
  // ".." is kept: removing it lexically would be wrong behind a symlink.
  EXPECT_EQ(host_of("../shared", "/srv/app"), "/srv/app/../shared");
  EXPECT_EQ(host_of(".", "/srv/app"), "/srv/app");
  EXPECT_EQ(host_of("/abs//path/", "/srv/app"), "/abs/path");
  // A relative base is relative to the current directory.
  const std::string cwd = std::filesystem::current_path().string();
  EXPECT_EQ(host_of("data", "conf"), cwd + "/conf/data");
  EXPECT_EQ(host_of("data", ""), cwd + "/data");
}

TEST(ConfigParse, FileKindNames) {
  EXPECT_EQ(file_kind_name(FileKind::Null), "null");
  EXPECT_EQ(file_kind_name(FileKind::Stdin), "stdin");
  EXPECT_EQ(file_kind_name(FileKind::Stdout), "stdout");
  EXPECT_EQ(file_kind_name(FileKind::Stderr), "stderr");
  EXPECT_EQ(file_kind_name(FileKind::Listen), "listen");
  EXPECT_EQ(file_kind_name(FileKind::Connect), "connect");
  EXPECT_EQ(file_kind_name(FileKind::Dir), "dir");
}

// ---- errors ----

TEST(ConfigErrors, TomlSyntax) {
  expect_error("args = [\"a\"\n", 1, 13, "Error while parsing array: encountered end-of-file");
  expect_error("[env]\nA = \n", 2, 5, "expected value");
  expect_error("x = \"unterminated\n", 1, 18, "");
}

TEST(ConfigErrors, UnknownTopLevelKey) {
  expect_error("args = []\nsteward = \"https://x\"\n", 2, 1,
               "unknown key \"steward\" at the top level (expected one of: args, env, files, keep)");
}

TEST(ConfigErrors, ArgsTypes) {
  expect_error("args = \"--help\"\n", 1, 8, "args: expected an array of strings, got a string");
  expect_error("args = [\"a\", 2]\n", 1, 14, "args[1]: expected a string, got an integer");
  expect_error("args = [\"a\\u0000b\"]\n", 1, 9, "args[0]: must not contain a NUL character");
}

TEST(ConfigErrors, EnvTypesAndNames) {
  expect_error("env = 3\n", 1, 7, "env: expected a table of strings ([env]), got an integer");
  expect_error("[env]\nA = 1\n", 2, 5, "env.A: expected a string, got an integer");
  expect_error("[env]\nA.B = \"x\"\n", 2, 1, "env.A: expected a string, got a table");
  expect_error("[env]\n\"\" = \"x\"\n", 2, 1, "env: variable names must not be empty");
  expect_error("[env]\n\"A=B\" = \"x\"\n", 2, 1,
               "env: variable name \"A=B\" must not contain '=' or a NUL character");
  expect_error("[env]\n\"A\\u0000\" = \"x\"\n", 2, 1,
               "env: variable name \"A\\x00\" must not contain '=' or a NUL character");
  expect_error("[env]\nX = \"a\\u0000\"\n", 2, 5, "env.X: must not contain a NUL character");
}

TEST(ConfigErrors, ReservedEnvNames) {
  expect_error("[env]\nFD_COUNT = \"3\"\n", 2, 1,
               "env.FD_COUNT: FD_COUNT and FD_NAMES are set by the keep");
  expect_error("[env]\nOK = \"1\"\nFD_NAMES = \"a:b\"\n", 3, 1,
               "env.FD_NAMES: FD_COUNT and FD_NAMES are set by the keep");
}

TEST(ConfigErrors, FilesShape) {
  expect_error("[files]\nkind = \"stdin\"\n", 1, 1,
               "files: expected an array of tables ([[files]]), got a table");
  expect_error("files = [\"stdin\"]\n", 1, 10, "files[0]: expected a table, got a string");
}

TEST(ConfigErrors, Kind) {
  expect_error("[[files]]\nname = \"x\"\n", 1, 1,
               "files[0]: missing 'kind' (expected one of: null, stdin, stdout, stderr, "
               "listen, connect, dir)");
  expect_error("[[files]]\nkind = \"stdin\"\n\n[[files]]\nkind = \"pipe\"\n", 5, 8,
               "files[1]: unknown kind \"pipe\" (expected one of null, stdin, stdout, stderr, "
               "listen, connect, dir)");
  expect_error("[[files]]\nkind = 1\n", 2, 8, "files[0].kind: expected a string, got an integer");
}

TEST(ConfigErrors, UnknownKeyPerKind) {
  expect_error("[[files]]\nkind = \"stdin\"\nport = 1\n", 3, 1,
               "unknown key \"port\" in files[0] (stdin) (expected one of: kind, name)");
  expect_error("[[files]]\nkind = \"listen\"\nname = \"w\"\nport = 80\nhost = \"x\"\n", 5, 1,
               "unknown key \"host\" in files[0] (listen) (expected one of: kind, name, addr, "
               "port, prot)");
  expect_error(
      "[[files]]\nkind = \"connect\"\nname = \"w\"\nhost = \"x\"\nport = 80\naddr = \"::\"\n", 6, 1,
      "unknown key \"addr\" in files[0] (connect) (expected one of: kind, name, host, port, "
      "prot)");
  expect_error("[[files]]\nkind = \"dir\"\nhost = \"/x\"\nguest = \"/x\"\nmod = \"rw\"\n", 5, 1,
               "unknown key \"mod\" in files[0] (dir) (expected one of: kind, name, host, guest, "
               "mode)");
}

TEST(ConfigErrors, ListenRequiredKeys) {
  expect_error("[[files]]\nkind = \"listen\"\nport = 80\n", 1, 1, "files[0]: listen needs 'name'");
  expect_error("[[files]]\nkind = \"listen\"\nname = \"web\"\n", 1, 1,
               "files[0]: missing 'port' (a TCP port number, 1..65535)");
}

TEST(ConfigErrors, Ports) {
  const std::string head = "[[files]]\nkind = \"listen\"\nname = \"web\"\n";
  expect_error(head + "port = 0\n", 4, 8, "files[0].port: 0 is out of range 1..65535");
  expect_error(head + "port = 65536\n", 4, 8, "files[0].port: 65536 is out of range 1..65535");
  expect_error(head + "port = -1\n", 4, 8, "files[0].port: -1 is out of range 1..65535");
  expect_error(head + "port = \"80\"\n", 4, 8,
               "files[0].port: expected an integer 1..65535, got a string");
  expect_error(head + "port = 80.0\n", 4, 8,
               "files[0].port: expected an integer 1..65535, got a float");
}

TEST(ConfigErrors, Protocols) {
  const std::string head = "[[files]]\nkind = \"listen\"\nname = \"web\"\nport = 443\n";
  expect_error(head + "prot = \"tls\"\n", 5, 8,
               "files[0].prot: prot = \"tls\" is not supported yet: TLS terminating inside the "
               "keep comes with attestation");
  expect_error(head + "prot = \"udp\"\n", 5, 8,
               "files[0].prot: unknown protocol \"udp\" (expected \"tcp\")");
  expect_error(
      "[[files]]\nkind = \"connect\"\nname = \"c\"\nhost = \"h\"\nport = 1\nprot = \"tls\"\n", 6, 8,
      "prot = \"tls\" is not supported yet");
}

TEST(ConfigErrors, ListenAddr) {
  const std::string head = "[[files]]\nkind = \"listen\"\nname = \"web\"\nport = 80\n";
  expect_error(head + "addr = \"\"\n", 5, 8, "files[0].addr: must not be empty");
  expect_error(head + "addr = 0\n", 5, 8, "files[0].addr: expected a string, got an integer");
}

TEST(ConfigErrors, ConnectRequiredKeys) {
  expect_error("[[files]]\nkind = \"connect\"\nname = \"db\"\nport = 5432\n", 1, 1,
               "files[0]: connect needs 'host'");
  expect_error("[[files]]\nkind = \"connect\"\nhost = \"h\"\nport = 5432\n", 1, 1,
               "files[0]: connect needs 'name'");
  expect_error("[[files]]\nkind = \"connect\"\nname = \"db\"\nhost = \"\"\nport = 1\n", 4, 8,
               "files[0].host: must not be empty");
  expect_error("[[files]]\nkind = \"connect\"\nname = \"db\"\nhost = \"h\"\n", 1, 1,
               "files[0]: missing 'port'");
}

TEST(ConfigErrors, DirRequiredKeysAndValues) {
  expect_error("[[files]]\nkind = \"dir\"\nguest = \"/d\"\n", 1, 1,
               "files[0]: dir needs 'host' (the host directory to open)");
  expect_error("[[files]]\nkind = \"dir\"\nhost = \"/d\"\n", 1, 1,
               "files[0]: dir needs 'guest' (the path the module sees");
  expect_error("[[files]]\nkind = \"dir\"\nhost = \"\"\nguest = \"/d\"\n", 3, 8,
               "files[0].host: must not be empty");
  expect_error("[[files]]\nkind = \"dir\"\nhost = \"/d\"\nguest = \"\"\n", 4, 9,
               "files[0].guest: must not be empty");
  expect_error("[[files]]\nkind = \"dir\"\nhost = \"/d\"\nguest = \"/a/../b\"\n", 4, 9,
               "files[0].guest: \"/a/../b\" must not contain a '..' component");
  expect_error("[[files]]\nkind = \"dir\"\nhost = \"/d\"\nguest = \"..\"\n", 4, 9,
               "must not contain a '..' component");
  expect_error("[[files]]\nkind = \"dir\"\nhost = \"/d\"\nguest = \"/d\"\nmode = \"wo\"\n", 5, 8,
               "files[0].mode: unknown mode \"wo\" (expected \"ro\" for read-only or \"rw\" for "
               "read-write)");
  expect_error("[[files]]\nkind = \"dir\"\nhost = \"/d\"\nguest = \"/d\"\nmode = true\n", 5, 8,
               "files[0].mode: expected a string, got a boolean");
  expect_error("[[files]]\nkind = \"dir\"\nhost = \"/d\\u0000\"\nguest = \"/d\"\n", 3, 8,
               "files[0].host: must not contain a NUL character");
}

TEST(ConfigParse, GuestPathsThatAreNotDotDot) {
  KeepConfig c = parse_ok(
      "[[files]]\nkind = \"dir\"\nhost = \"/d\"\nguest = \"..data/x..\"\n"
      "[[files]]\nkind = \"dir\"\nhost = \"/e\"\nguest = \".\"\n");
  ASSERT_EQ(c.files.size(), 2u);
  EXPECT_EQ(c.files[0].guest_path, "..data/x..");
  EXPECT_EQ(c.files[1].guest_path, ".");
}

TEST(ConfigErrors, Names) {
  expect_error("[[files]]\nkind = \"stdin\"\nname = \"\"\n", 3, 8,
               "files[0].name: must not be empty");
  expect_error("[[files]]\nkind = \"stdin\"\nname = \"a:b\"\n", 3, 8,
               "files[0]: name \"a:b\" must not contain ':' (FD_NAMES is a colon-separated list)");
  expect_error("[[files]]\nkind = \"stdin\"\nname = 5\n", 3, 8,
               "files[0].name: expected a string, got an integer");
  expect_error("[[files]]\nkind = \"dir\"\nhost = \"/d\"\nguest = \"/c:d\"\n", 4, 9,
               "files[0]: the name defaults to the guest path, and \"/c:d\" must not contain ':'");
  // An explicit name fixes it.
  EXPECT_EQ(parse_ok("[[files]]\nkind = \"dir\"\nhost = \"/d\"\nguest = \"/c:d\"\nname = \"cd\"\n")
                .files.at(0)
                .name,
            "cd");
}

TEST(ConfigErrors, DuplicateNames) {
  expect_error("[[files]]\nkind = \"stdout\"\n[[files]]\nkind = \"stdout\"\n", 4, 8,
               "files[1]: name \"stdout\" is already used by files[0]");
  expect_error(
      "[[files]]\nkind = \"stdin\"\nname = \"x\"\n[[files]]\nkind = \"null\"\n"
      "[[files]]\nkind = \"listen\"\nname = \"x\"\nport = 1\n",
      8, 8, "files[2]: name \"x\" is already used by files[0]");
  expect_error(
      "[[files]]\nkind = \"dir\"\nhost = \"/a\"\nguest = \"/d\"\n"
      "[[files]]\nkind = \"dir\"\nhost = \"/b\"\nguest = \"/d\"\n",
      8, 9, "files[1]: name \"/d\" is already used by files[0]");
}

TEST(ConfigErrors, EveryErrorIsReportedInSourceOrder) {
  const std::string message = parse_error(
      "bogus = 1\n[env]\nFD_COUNT = \"1\"\n[[files]]\nkind = \"listen\"\nname = \"w\"\n"
      "port = 0\n");
  EXPECT_EQ(message,
            "Cloister.toml:1:1: unknown key \"bogus\" at the top level (expected one of: args, "
            "env, files, keep)\n"
            "Cloister.toml:3:1: env.FD_COUNT: FD_COUNT and FD_NAMES are set by the keep from "
            "the [[files]] list and cannot be configured\n"
            "Cloister.toml:7:8: files[0].port: 0 is out of range 1..65535");
}

TEST(ConfigErrors, ControlCharactersAreEscapedInMessages) {
  const std::string message = parse_error("[[files]]\nkind = \"a\\nb\\u001b\"\n");
  EXPECT_NE(message.find("unknown kind \"a\\x0ab\\x1b\""), std::string::npos) << message;
  EXPECT_EQ(message.find('\n'), std::string::npos);
}

// A table header whose key starts with a character no key can start with
// trips an internal assertion of toml++ 3.3.0 (found by fuzz_config_toml);
// it must be a clean syntax error in every build.
TEST(ConfigParseHostile, TableHeaderWithAnImpossibleKeyIsASyntaxError) {
  for (const char* text : {"[[&iles]]\nkind = \"stdin\"\n", "[&x]\n", "[[\x7f]]\n", "[ [x] ]\n"}) {
    const std::string message = parse_error(text);
    EXPECT_TRUE(message.starts_with(std::string(kSource) + ":1:")) << text << " -> " << message;
  }
}

// Non-ASCII characters where TOML expects whitespace reach toml++ 3.3.0's
// generated Unicode tables at a point they mark unreachable (undefined
// behaviour, caught by the sanitizer build); base/toml.h makes them an
// ordinary syntax error. Inside strings and comments they are fine.
TEST(ConfigParseHostile, NonAsciiWhereWhitespaceBelongsIsASyntaxError) {
  for (const char* text :
       {"args = [] \xc3\xa9\n", "args = []\xef\xbb\xb7\n", "args =\xe2\xb0\x80[]\n"}) {
    EXPECT_TRUE(parse_error(text).starts_with(std::string(kSource) + ":1:")) << text;
  }
  KeepConfig c = parse_ok("# caf\xc3\xa9\nargs = [\"caf\xc3\xa9\"]\n");
  ASSERT_EQ(c.args.size(), 1u);
  EXPECT_EQ(c.args[0], "caf\xc3\xa9");
}

TEST(ConfigParse, KeepDefaultsWithoutAKeepTable) {
  KeepConfig c = parse_ok("args = []\n");
  EXPECT_EQ(c.keep.memory, kDefaultKeepMemory);
  EXPECT_FALSE(c.keep.require_confidential);
}

TEST(ConfigParse, KeepMemoryAndRequire) {
  KeepConfig c = parse_ok("[keep]\nmemory = \"256 MiB\"\nrequire = \"confidential\"\n");
  EXPECT_EQ(c.keep.memory, uint64_t{256} << 20);
  EXPECT_TRUE(c.keep.require_confidential);
  EXPECT_EQ(parse_ok("[keep]\nmemory = \"2G\"\n").keep.memory, uint64_t{2} << 30);
}

TEST(ConfigParse, KeepMemoryErrorsNameTheProblem) {
  expect_error("[keep]\nmemory = \"16 MiB\"\n", 2, 10, "16 MiB is outside 32 MiB .. 3 GiB");
  expect_error("[keep]\nmemory = \"4 GiB\"\n", 2, 10, "is outside");
  expect_error("[keep]\nmemory = \"33 MiB\"\n", 2, 10, "multiple of 2 MiB");
  expect_error("[keep]\nmemory = \"512 MB\"\n", 2, 10, "decimal units are ambiguous");
  expect_error("[keep]\nmemory = \"lots\"\n", 2, 10, "must start with a whole number");
  expect_error("[keep]\nmemory = 512\n", 2, 10, "keep.memory: expected a string");
  expect_error("[keep]\nmemory = \"99999999999999999999 GiB\"\n", 2, 10, "too large");
}

TEST(ConfigParse, KeepRequireAndKeysAreClosed) {
  expect_error("[keep]\nrequire = \"secret\"\n", 2, 11,
               "keep.require: unknown requirement \"secret\" (expected \"confidential\")");
  expect_error("[keep]\nbackend = \"kvm\"\n", 2, 1,
               "unknown key \"backend\" in [keep] (expected one of: memory, require)");
  expect_error("keep = 3\n", 1, 8, "keep: expected a table ([keep])");
}

}  // namespace
}  // namespace cloister::config
