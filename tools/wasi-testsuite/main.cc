// SPDX-License-Identifier: Apache-2.0
//
// wasi-testsuite-run: runs the official WASI preview 1 test suite
// (../shared/testdata/wasi-testsuite) through `cloister run`, one test at a
// time, and prints one line per test and a final "N passed, M failed".
//
// Exit status: 0 when every failure is listed in --expect-fail (with a
// reason, and named in --docs when given) and every listed test does fail;
// 1 otherwise; 2 on usage errors; 77 when the suite is not there (ctest
// treats 77 as a skip). See docs/wasi-testsuite.md.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <cstdio>
#include <filesystem>
#include <string>
#include <system_error>

#include "base/file.h"
#include "expectations.h"
#include "process.h"
#include "runner.h"
#include "spec.h"

namespace fs = std::filesystem;
using namespace cloister::wasi_testsuite;

namespace {

void print_indented(const char* label, const std::string& text) {
  if (text.empty()) return;
  std::printf("    %s:\n", label);
  size_t start = 0;
  while (start < text.size()) {
    const size_t nl = text.find('\n', start);
    const size_t end = nl == std::string::npos ? text.size() : nl;
    std::printf("      | %.*s\n", static_cast<int>(end - start), text.data() + start);
    start = end + 1;
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Runs the WASI preview 1 test suite through `cloister run`."};
  std::string cloister = std::string(CLOISTER_BINARY_DIR) + "/cloister";
  std::string suite = std::string(CLOISTER_TESTDATA_DIR) + "/wasi-testsuite";
  std::string expect_fail_path;
  std::string docs_path;
  std::string filter;
  std::string backend;
  int timeout_s = 60;
  bool verbose = false;
  app.add_option("--cloister", cloister, "the cloister binary")->capture_default_str();
  app.add_option("--testsuite", suite, "the suite's folder (with tests/ and README.md)")
      ->capture_default_str();
  app.add_option("--expect-fail", expect_fail_path,
                 "tests allowed to fail: one `<lang>/<name> <reason>` per line");
  app.add_option("--docs", docs_path, "a document that must name every expected failure");
  app.add_option("--filter", filter, "run only tests whose id contains this");
  app.add_option("--backend", backend, "passed to `cloister run --backend`");
  app.add_option("--timeout", timeout_s, "seconds per test")->capture_default_str();
  app.add_flag("-v,--verbose", verbose, "print the output of failing tests");
  CLI11_PARSE(app, argc, argv);

  if (!fs::is_directory(fs::path(suite) / "tests")) {
    std::printf("SKIP: the WASI test suite is not at %s\n", suite.c_str());
    return 77;
  }
  // A backend this machine cannot run (no /dev/kvm, a sanitizer build's
  // dynamic keep program) is a visible skip, with cloister's own reasons.
  if (!backend.empty() && backend != "auto") {
    auto info = run_process({cloister, "platform", "info", "--json"}, std::chrono::seconds(30));
    const auto j = info ? nlohmann::json::parse(info->out, nullptr, false) : nlohmann::json();
    if (!info || j.is_discarded() || !j.contains("backends")) {
      std::fprintf(stderr, "wasi-testsuite-run: `cloister platform info --json` failed\n");
      return 2;
    }
    for (const auto& b : j["backends"]) {
      if (b.value("name", "") != backend || b.value("available", false)) continue;
      std::printf("SKIP: the %s backend cannot run here:", backend.c_str());
      for (const auto& r : b["reasons"]) std::printf(" %s;", r.get<std::string>().c_str());
      std::printf("\n");
      return 77;
    }
  }
  Expectations expected;
  if (!expect_fail_path.empty()) {
    auto text = cloister::read_text_file(expect_fail_path, 1 << 20);
    if (!text) {
      std::fprintf(stderr, "wasi-testsuite-run: %s\n", text.error().message().c_str());
      return 2;
    }
    auto parsed = parse_expectations(*text, expect_fail_path);
    if (!parsed) {
      std::fprintf(stderr, "wasi-testsuite-run: %s\n", parsed.error().message().c_str());
      return 2;
    }
    expected = std::move(*parsed);
  }
  auto tests = discover_tests(suite);
  if (!tests) {
    std::fprintf(stderr, "wasi-testsuite-run: %s\n", tests.error().message().c_str());
    return 1;
  }

  bool ok = true;
  // The list must name real tests and every entry must be documented.
  for (const auto& [id, reason] : expected) {
    bool found = false;
    for (const auto& t : *tests) found = found || t.id == id;
    if (!found) {
      std::printf("ERROR %s is listed in %s but there is no such test\n", id.c_str(),
                  expect_fail_path.c_str());
      ok = false;
    }
  }
  if (!docs_path.empty()) {
    auto docs = cloister::read_text_file(docs_path, 1 << 22);
    if (!docs) {
      std::fprintf(stderr, "wasi-testsuite-run: %s\n", docs.error().message().c_str());
      return 2;
    }
    for (const auto& [id, reason] : expected) {
      if (docs->find(id) == std::string::npos) {
        std::printf("ERROR %s is an expected failure but %s does not mention it\n", id.c_str(),
                    docs_path.c_str());
        ok = false;
      }
    }
  }

  std::string tmpl = (fs::temp_directory_path() / "cloister-wasi-testsuite-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) {
    std::perror("wasi-testsuite-run: mkdtemp");
    return 1;
  }
  RunOptions options;
  options.cloister = fs::absolute(cloister);
  options.work_dir = tmpl;
  options.timeout = std::chrono::seconds(timeout_s);
  if (!backend.empty()) options.extra_args = {"--backend", backend};

  int passed = 0;
  int failed = 0;
  int expected_failures = 0;
  for (const auto& test : *tests) {
    if (!filter.empty() && test.id.find(filter) == std::string::npos) continue;
    const Outcome o = run_test(test, options);
    const auto listed = expected.find(test.id);
    if (o.passed) {
      ++passed;
      if (listed != expected.end()) {
        std::printf("PASS %s (listed as an expected failure: remove it from the list)\n",
                    test.id.c_str());
        ok = false;
      } else {
        std::printf("PASS %s\n", test.id.c_str());
      }
    } else {
      ++failed;
      if (listed != expected.end()) {
        ++expected_failures;
        std::printf("FAIL %s: %s (expected: %s)\n", test.id.c_str(), o.reason.c_str(),
                    listed->second.c_str());
      } else {
        std::printf("FAIL %s: %s\n", test.id.c_str(), o.reason.c_str());
        ok = false;
      }
      if (verbose) {
        print_indented("stdout", o.out);
        print_indented("stderr", o.err);
      }
    }
    std::fflush(stdout);
  }
  std::error_code ec;
  fs::remove_all(tmpl, ec);
  std::printf("%d of the failures are expected (%s)\n", expected_failures,
              expect_fail_path.empty() ? "no --expect-fail list" : expect_fail_path.c_str());
  std::printf("%d passed, %d failed\n", passed, failed);
  return ok ? 0 : 1;
}
