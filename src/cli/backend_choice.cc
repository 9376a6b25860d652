// SPDX-License-Identifier: Apache-2.0
#include "cli/backend_choice.h"

#include "host/kvm/kvm_backend.h"

namespace cloister::cli {
namespace {

const host::BackendStatus* find(const std::vector<host::BackendStatus>& backends,
                                const std::string& name) {
  for (const auto& b : backends) {
    if (b.name == name) return &b;
  }
  return nullptr;
}

std::string join_reasons(const host::BackendStatus& b) {
  std::string out;
  for (const auto& r : b.reasons) out += (out.empty() ? "" : "; ") + r;
  return out;
}

}  // namespace

std::vector<host::BackendStatus> probe_backends(const Result<std::string>& keep_program) {
  host::PlatformFacts facts = host::gather_platform_facts();
  if (auto usable = host::kvm_usable(); !usable) {
    facts.kvm_problem = usable.error().message();
  } else if (!keep_program) {
    facts.kvm_problem = keep_program.error().message();
  } else if (auto checked = host::check_keep_program(*keep_program); !checked) {
    facts.kvm_problem = checked.error().message();
  }
  return host::judge_platform(facts);
}

Result<std::string> choose_backend(const std::string& requested, bool require_confidential,
                                   const Result<std::string>& keep_program) {
  if (requested == "nil" && !require_confidential) return requested;
  const auto backends = probe_backends(keep_program);
  if (requested == "auto") {
    const std::string chosen = host::auto_backend(backends);
    const host::BackendStatus* b = find(backends, chosen);
    if (require_confidential && (b == nullptr || !b->confidential)) {
      std::string why;
      for (const auto& c : backends) {
        if (c.confidential) why += "\n  " + c.name + ": " + join_reasons(c);
      }
      return fail(
          "Cloister.toml requires a confidential keep ([keep] require = \"confidential\"), but no "
          "confidential backend can run here (nil and kvm cannot keep the workload's memory from "
          "the host):",
          why);
    }
    return chosen;
  }
  const host::BackendStatus* b = find(backends, requested);
  if (b == nullptr) return fail("unknown backend \"", requested, "\"");
  if (require_confidential && !b->confidential) {
    return fail("backend ", requested,
                " cannot keep the workload's memory from the host, and Cloister.toml requires a "
                "confidential keep ([keep] require = \"confidential\")");
  }
  if (!b->available) return fail("backend ", requested, " cannot run here: ", join_reasons(*b));
  return requested;
}

}  // namespace cloister::cli
