// SPDX-License-Identifier: Apache-2.0
//
// Which backends can run keeps on this machine, which of them are
// confidential, and for each one that cannot, why (`cloister platform info`,
// and `cloister run --backend auto`).
#pragma once

#include <set>
#include <string>
#include <vector>

namespace cloister::host {

// What the machine says, gathered once (gather_platform_facts) so that the
// judgement below is a pure function the tests can feed.
struct PlatformFacts {
  std::set<std::string> cpu_flags;  // /proc/cpuinfo "flags" of the first CPU
  std::set<std::string> present;    // which of the device/sysfs paths below exist
  std::set<std::string> enabled;    // module parameters reading Y/1
  // Empty when the kvm backend can run keeps; otherwise why not (no
  // /dev/kvm, permission, API, capability, a dynamically linked keep program).
  std::string kvm_problem;
  // /dev/kvm is KVM's PVM flavour (software virtualization, module kvm_pvm).
  bool kvm_is_pvm = false;
};

struct BackendStatus {
  std::string name;         // nil, kvm, sev-snp, tdx, sgx, cvm
  std::string description;  // what a keep on it is
  bool confidential = false;
  bool available = false;            // Cloister can run keeps on it here
  std::vector<std::string> reasons;  // why not, when !available
  std::vector<std::string> notes;    // worth knowing when it is available
};

PlatformFacts gather_platform_facts();

// Every backend, most isolating last among the runnable ones (nil, kvm,
// then the confidential ones).
std::vector<BackendStatus> judge_platform(const PlatformFacts& facts);

// The backend `--backend auto` picks: the most isolating available one.
std::string auto_backend(const std::vector<BackendStatus>& backends);

}  // namespace cloister::host
