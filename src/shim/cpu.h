// SPDX-License-Identifier: Apache-2.0
//
// Processor set-up for the keep program: EFER, CR4, XCR0 (SSE/AVX state for
// user code) and the syscall MSRs, from what CPUID says this vCPU has.
#pragma once

#include <cstdint>

namespace cloister::shim {

struct CpuFeatures {
  bool nx, xsave, avx, rdrand, rdseed, smep, smap, umip;
  uint64_t xcr0;  // what the shim enabled
};

// Checks the features the shim cannot do without and enables the rest.
// Returns null, or the name of a missing feature (the caller reports it).
const char* cpu_init();

// Enables SMEP and SMAP where the vCPU has them (after paging_init).
void cpu_protect_supervisor();

// Points LSTAR at the syscall entry; STAR/SFMASK as cpu_tables.h lays out.
void syscall_init();

const CpuFeatures& cpu_features();

}  // namespace cloister::shim
