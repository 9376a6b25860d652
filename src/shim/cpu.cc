// SPDX-License-Identifier: Apache-2.0
#include "shim/cpu.h"

#include "shim/cpu_tables.h"
#include "shim/x86.h"

extern "C" void syscall_entry();

namespace cloister::shim {
namespace {

constinit CpuFeatures features = {};

constexpr uint64_t kCr4Osfxsr = 1u << 9;
constexpr uint64_t kCr4Osxmmexcpt = 1u << 10;
constexpr uint64_t kCr4Umip = 1u << 11;
constexpr uint64_t kCr4Osxsave = 1u << 18;
constexpr uint64_t kCr4Smep = 1u << 20;
constexpr uint64_t kCr4Smap = 1u << 21;

// XCR0 state components (Intel SDM vol. 1, 13.1).
constexpr uint64_t kXcr0X87 = 1u << 0;
constexpr uint64_t kXcr0Sse = 1u << 1;
constexpr uint64_t kXcr0Avx = 1u << 2;
constexpr uint64_t kXcr0Avx512 = (1u << 5) | (1u << 6) | (1u << 7);  // opmask, ZMM_Hi256, Hi16_ZMM

}  // namespace

const char* cpu_init() {
  const auto leaf1 = x86::cpuid(1);
  const auto max_leaf = x86::cpuid(0).eax;
  const auto ext = x86::cpuid(0x80000001);
  features.nx = (ext.edx >> 20) & 1;
  features.xsave = (leaf1.ecx >> 26) & 1;
  features.avx = (leaf1.ecx >> 28) & 1;
  features.rdrand = (leaf1.ecx >> 30) & 1;
  if (max_leaf >= 7) {
    const auto leaf7 = x86::cpuid(7, 0);
    features.smep = (leaf7.ebx >> 7) & 1;
    features.rdseed = (leaf7.ebx >> 18) & 1;
    features.smap = (leaf7.ebx >> 20) & 1;
    features.umip = (leaf7.ecx >> 2) & 1;
  }
  // W^X and the physmap's NX rely on NX; AT_RANDOM, getrandom and the
  // randomised layout rely on RDRAND (the host is never asked for entropy).
  if (!features.nx) return "NX (CPUID 0x80000001 EDX bit 20)";
  if (!features.rdrand) return "RDRAND (CPUID 1 ECX bit 30)";

  x86::wrmsr(x86::kMsrEfer, x86::rdmsr(x86::kMsrEfer) | x86::kEferSce | x86::kEferNxe);

  // SSE for user code; UMIP so ring 3 cannot read the descriptor-table
  // addresses.
  uint64_t cr4 = x86::read_cr4() | kCr4Osfxsr | kCr4Osxmmexcpt;
  if (features.xsave) cr4 |= kCr4Osxsave;
  if (features.umip) cr4 |= kCr4Umip;
  x86::write_cr4(cr4);

  // The keep's glibc picks its memcpy/strlen by what CPUID and XGETBV say,
  // so AVX (and AVX-512 when leaf 0xD says all three of its components
  // exist) is enabled when the vCPU has it.
  if (features.xsave) {
    const uint64_t supported = x86::cpuid(0xD, 0).eax;
    uint64_t xcr0 = kXcr0X87 | kXcr0Sse;
    if (features.avx && (supported & kXcr0Avx)) xcr0 |= kXcr0Avx;
    if ((xcr0 & kXcr0Avx) && (supported & kXcr0Avx512) == kXcr0Avx512) xcr0 |= kXcr0Avx512;
    x86::xsetbv(0, xcr0);
    features.xcr0 = xcr0;
  }
  // A clean x87 state for the keep program (FCW 0x37F). MXCSR is left at
  // its reset value, which is already the ABI's 0x1F80: KVM's PVM variant
  // cannot emulate LDMXCSR in the shim's (emulated) ring 0.
  asm volatile("fninit");
  return nullptr;
}

void cpu_protect_supervisor() {
  // SMEP/SMAP: the shim can never run or touch a user page by accident (it
  // reaches user memory only through the physmap). Not before the shim's own
  // tables are loaded: the VMM's boot tables may carry the user bit.
  uint64_t cr4 = x86::read_cr4();
  if (features.smep) cr4 |= kCr4Smep;
  if (features.smap) cr4 |= kCr4Smap;
  x86::write_cr4(cr4);
}

void syscall_init() {
  // STAR[47:32]: kernel CS (SS = +8); STAR[63:48]: base of the user pair.
  x86::wrmsr(x86::kMsrStar, (uint64_t{kKernelDs} << 48) | (uint64_t{kKernelCs} << 32));
  x86::wrmsr(x86::kMsrLstar, reinterpret_cast<uint64_t>(&syscall_entry));
  // Cleared on entry: IF (no interrupts in the shim), TF (no single-step into
  // ring 0), DF (the C++ ABI wants it clear), AC (SMAP stays enforced).
  x86::wrmsr(x86::kMsrSfmask, x86::kRflagsIf | x86::kRflagsTf | x86::kRflagsDf | x86::kRflagsAc);
}

const CpuFeatures& cpu_features() {
  return features;
}

}  // namespace cloister::shim
