// SPDX-License-Identifier: Apache-2.0
#include "host/platform.h"

#include <unistd.h>

#include <fstream>
#include <sstream>

namespace cloister::host {
namespace {

// The paths probed. Devices are the kernel drivers' user interfaces; the
// module parameters say whether KVM itself enabled the technology.
constexpr const char* kDevSev = "/dev/sev";
constexpr const char* kDevSevGuest = "/dev/sev-guest";
constexpr const char* kDevTdxGuest = "/dev/tdx_guest";
constexpr const char* kDevSgxEnclave = "/dev/sgx_enclave";
constexpr const char* kDevSgxProvision = "/dev/sgx_provision";
constexpr const char* kTsmReport = "/sys/kernel/config/tsm/report";
constexpr const char* kParamSevSnp = "/sys/module/kvm_amd/parameters/sev_snp";
constexpr const char* kParamTdx = "/sys/module/kvm_intel/parameters/tdx";
constexpr const char* kModulePvm = "/sys/module/kvm_pvm";

std::set<std::string> first_cpu_flags() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (!line.starts_with("flags")) continue;
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::istringstream words(line.substr(colon + 1));
    std::set<std::string> flags;
    for (std::string w; words >> w;) flags.insert(w);
    return flags;
  }
  return {};
}

bool parameter_enabled(const char* path) {
  std::ifstream in(path);
  std::string value;
  return static_cast<bool>(in >> value) && (value == "Y" || value == "y" || value == "1");
}

// Appends `reason` when `ok` is false; returns ok.
bool need(bool ok, std::vector<std::string>& reasons, std::string reason) {
  if (!ok) reasons.push_back(std::move(reason));
  return ok;
}

// A confidential backend whose hardware checks all passed still cannot run
// keeps: this build of Cloister has no backend for it yet. Say so honestly
// rather than pretending it is missing hardware.
void not_in_this_build(BackendStatus& b) {
  if (b.reasons.empty()) {
    b.reasons.push_back("the machine supports it, but this version of Cloister cannot run " +
                        b.name + " keeps yet");
  }
  b.available = false;
}

}  // namespace

PlatformFacts gather_platform_facts() {
  PlatformFacts f;
  f.cpu_flags = first_cpu_flags();
  for (const char* p :
       {kDevSev, kDevSevGuest, kDevTdxGuest, kDevSgxEnclave, kDevSgxProvision, kTsmReport}) {
    if (::access(p, F_OK) == 0) f.present.insert(p);
  }
  for (const char* p : {kParamSevSnp, kParamTdx}) {
    if (parameter_enabled(p)) f.enabled.insert(p);
  }
  f.kvm_is_pvm = ::access(kModulePvm, F_OK) == 0;
  return f;
}

std::vector<BackendStatus> judge_platform(const PlatformFacts& f) {
  const auto has_flag = [&](const char* flag) { return f.cpu_flags.contains(flag); };
  const auto has_path = [&](const char* path) { return f.present.contains(path); };
  std::vector<BackendStatus> out;

  out.push_back(
      {"nil", "a plain process: no isolation at all (for debugging)", false, true, {}, {}});

  BackendStatus kvm{"kvm",
                    "a micro-VM under Cloister's shim: isolated from the host, which can "
                    "still read its memory",
                    false,
                    f.kvm_problem.empty(),
                    {},
                    {}};
  if (!kvm.available) kvm.reasons.push_back(f.kvm_problem);
  if (kvm.available && f.kvm_is_pvm) {
    kvm.notes.push_back(
        "this /dev/kvm is PVM (kvm_pvm: software virtualization without VT-x/AMD-V), which "
        "emulates the shim's kernel mode: keeps start in tens of milliseconds and each system "
        "call costs about 0.1 ms (docs/kvm.md)");
  }
  out.push_back(kvm);

  BackendStatus snp{"sev-snp",
                    "an AMD SEV-SNP VM: memory encrypted and integrity-protected "
                    "against the host",
                    true,
                    false,
                    {},
                    {}};
  need(has_flag("sev_snp"), snp.reasons, "the CPU does not report SEV-SNP (no sev_snp flag)");
  need(has_path(kDevSev), snp.reasons, "/dev/sev is missing (the ccp driver is not loaded)");
  need(f.enabled.contains(kParamSevSnp), snp.reasons,
       "KVM has SEV-SNP off (kvm_amd parameter sev_snp is not Y)");
  not_in_this_build(snp);
  out.push_back(snp);

  BackendStatus tdx{"tdx",
                    "an Intel TDX trust domain: memory encrypted and integrity-protected "
                    "against the host",
                    true,
                    false,
                    {},
                    {}};
  need(f.enabled.contains(kParamTdx), tdx.reasons,
       "KVM has TDX off (kvm_intel parameter tdx is not Y, or the kernel has no TDX host support)");
  not_in_this_build(tdx);
  out.push_back(tdx);

  BackendStatus sgx{
      "sgx", "an Intel SGX enclave: encrypted memory inside a host process", true, false, {}, {}};
  need(has_flag("sgx"), sgx.reasons, "the CPU does not report SGX (no sgx flag)");
  need(has_flag("sgx_lc"), sgx.reasons,
       "the CPU lacks SGX flexible launch control (no sgx_lc flag)");
  need(has_path(kDevSgxEnclave), sgx.reasons, "/dev/sgx_enclave is missing");
  need(has_path(kDevSgxProvision), sgx.reasons,
       "/dev/sgx_provision is missing (needed for attestation keys)");
  not_in_this_build(sgx);
  out.push_back(sgx);

  BackendStatus cvm{"cvm",
                    "this machine is itself a confidential VM (SEV-SNP or TDX guest); "
                    "evidence via configfs-tsm",
                    true,
                    false,
                    {},
                    {}};
  const bool guest = has_flag("sev_snp_guest") || has_flag("tdx_guest") || has_path(kDevSevGuest) ||
                     has_path(kDevTdxGuest);
  need(guest, cvm.reasons,
       "this machine is not a confidential VM (no /dev/sev-guest or /dev/tdx_guest, no "
       "tdx_guest flag)");
  need(has_path(kTsmReport), cvm.reasons,
       "/sys/kernel/config/tsm/report is missing (configfs not mounted or no TSM provider)");
  not_in_this_build(cvm);
  out.push_back(cvm);
  return out;
}

std::string auto_backend(const std::vector<BackendStatus>& backends) {
  std::string best = "nil";
  int best_rank = -1;
  for (const auto& b : backends) {
    if (!b.available) continue;
    // Confidential beats isolated beats nothing.
    const int rank = b.confidential ? 2 : (b.name == "nil" ? 0 : 1);
    if (rank > best_rank) {
      best = b.name;
      best_rank = rank;
    }
  }
  return best;
}

}  // namespace cloister::host
