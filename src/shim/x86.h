// SPDX-License-Identifier: Apache-2.0
//
// The handful of privileged x86-64 instructions the shim needs, as inline
// functions (the compiler cannot emit them on its own).
#pragma once

#include <cstdint>

namespace cloister::shim::x86 {

inline constexpr uint32_t kMsrEfer = 0xC0000080;
inline constexpr uint32_t kMsrStar = 0xC0000081;
inline constexpr uint32_t kMsrLstar = 0xC0000082;
inline constexpr uint32_t kMsrSfmask = 0xC0000084;
inline constexpr uint32_t kMsrFsBase = 0xC0000100;
inline constexpr uint32_t kMsrGsBase = 0xC0000101;
inline constexpr uint32_t kMsrKernelGsBase = 0xC0000102;

inline constexpr uint64_t kEferSce = 1u << 0;
inline constexpr uint64_t kEferNxe = 1u << 11;

inline constexpr uint64_t kRflagsTf = 1u << 8;
inline constexpr uint64_t kRflagsIf = 1u << 9;
inline constexpr uint64_t kRflagsDf = 1u << 10;
inline constexpr uint64_t kRflagsAc = 1u << 18;

struct CpuidResult {
  uint32_t eax, ebx, ecx, edx;
};

inline CpuidResult cpuid(uint32_t leaf, uint32_t subleaf = 0) {
  CpuidResult r;
  asm volatile("cpuid"
               : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
               : "a"(leaf), "c"(subleaf));
  return r;
}

inline uint64_t rdmsr(uint32_t msr) {
  uint32_t lo, hi;
  asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
  return (uint64_t{hi} << 32) | lo;
}

inline void wrmsr(uint32_t msr, uint64_t value) {
  asm volatile("wrmsr" ::"c"(msr), "a"(static_cast<uint32_t>(value)),
               "d"(static_cast<uint32_t>(value >> 32))
               : "memory");
}

inline void xsetbv(uint32_t index, uint64_t value) {
  asm volatile("xsetbv" ::"c"(index), "a"(static_cast<uint32_t>(value)),
               "d"(static_cast<uint32_t>(value >> 32)));
}

inline uint64_t read_cr2() {
  uint64_t v;
  asm volatile("mov %%cr2, %0" : "=r"(v));
  return v;
}

inline uint64_t read_cr3() {
  uint64_t v;
  asm volatile("mov %%cr3, %0" : "=r"(v));
  return v;
}

inline void write_cr3(uint64_t v) {
  asm volatile("mov %0, %%cr3" ::"r"(v) : "memory");
}

inline uint64_t read_cr4() {
  uint64_t v;
  asm volatile("mov %%cr4, %0" : "=r"(v));
  return v;
}

inline void write_cr4(uint64_t v) {
  asm volatile("mov %0, %%cr4" ::"r"(v) : "memory");
}

inline void invlpg(uint64_t va) {
  asm volatile("invlpg (%0)" ::"r"(va) : "memory");
}

inline void outb(uint16_t port, uint8_t value) {
  asm volatile("outb %0, %1" ::"a"(value), "Nd"(port) : "memory");
}

}  // namespace cloister::shim::x86
