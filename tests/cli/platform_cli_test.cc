// SPDX-License-Identifier: Apache-2.0
//
// `cloister platform info [--json]` end to end.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/cli_runner.h"

namespace cloister::testing {
namespace {

TEST(PlatformInfo, JsonListsEveryBackendAndWhyEachUnavailableOneIs) {
  RunResult r = run_cloister({"platform", "info", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r.out;
  std::vector<std::string> names;
  for (const auto& b : j.at("backends")) {
    names.push_back(b.at("name").get<std::string>());
    const bool available = b.at("available").get<bool>();
    EXPECT_EQ(available, b.at("reasons").empty()) << b.dump();
    const bool confidential = b.at("confidential").get<bool>();
    EXPECT_EQ(confidential, names.back() != "nil" && names.back() != "kvm") << b.dump();
  }
  EXPECT_EQ(names, (std::vector<std::string>{"nil", "kvm", "sev-snp", "tdx", "sgx", "cvm"}));
  EXPECT_TRUE(j.at("backends")[0].at("available").get<bool>()) << "nil is always there";
  // auto names an available backend.
  const std::string chosen = j.at("auto").get<std::string>();
  bool found = false;
  for (const auto& b : j.at("backends")) {
    if (b.at("name") == chosen) found = b.at("available").get<bool>();
  }
  EXPECT_TRUE(found) << chosen;
}

TEST(PlatformInfo, TextMarksEachBackendAndSaysWhatAutoPicks) {
  RunResult r = run_cloister({"platform", "info"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* name : {" nil ", " kvm ", " sev-snp ", " tdx ", " sgx ", " cvm "}) {
    EXPECT_NE(r.out.find(name), std::string::npos) << name << "\n" << r.out;
  }
  EXPECT_NE(r.out.find("\u2714 nil"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--backend auto runs keeps on: "), std::string::npos) << r.out;
}

}  // namespace
}  // namespace cloister::testing
