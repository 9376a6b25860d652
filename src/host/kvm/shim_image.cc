// SPDX-License-Identifier: Apache-2.0
#include "host/kvm/shim_image.h"

#ifdef CLOISTER_SHIM_ELF
// The built shim's bytes, included by the assembler (CMake makes this file
// depend on the shim, so a new shim rebuilds it).
__asm__(
    "  .pushsection .rodata.cloister_shim, \"a\", @progbits\n"
    "  .balign 16\n"
    "  .globl cloister_shim_elf_begin\n"
    "  .hidden cloister_shim_elf_begin\n"
    "cloister_shim_elf_begin:\n"
    "  .incbin \"" CLOISTER_SHIM_ELF
    "\"\n"
    "  .globl cloister_shim_elf_end\n"
    "  .hidden cloister_shim_elf_end\n"
    "cloister_shim_elf_end:\n"
    "  .popsection\n");
extern "C" const uint8_t cloister_shim_elf_begin[];
extern "C" const uint8_t cloister_shim_elf_end[];
#endif

namespace cloister::host::kvm {

std::span<const uint8_t> embedded_shim() {
#ifdef CLOISTER_SHIM_ELF
  return {cloister_shim_elf_begin, cloister_shim_elf_end};
#else
  return {};
#endif
}

}  // namespace cloister::host::kvm
