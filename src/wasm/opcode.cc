// SPDX-License-Identifier: Apache-2.0
#include "wasm/opcode.h"

namespace cloister::wasm {

// The tables are built at compile time; these checks keep opcodes.def honest.
static_assert(detail::kOpcodeTables.single[0x0b] == static_cast<int16_t>(Opcode::End));
static_assert(detail::kOpcodeTables.single[0xfc] == -1 && detail::kOpcodeTables.single[0xfd] == -1);
static_assert(detail::kOpcodeTables.prefixed[0x11] == static_cast<int16_t>(Opcode::TableFill));
static_assert(detail::kOpcodeInfo[static_cast<size_t>(Opcode::I32Add)].simple);
static_assert(!detail::kOpcodeInfo[static_cast<size_t>(Opcode::I32Load)].simple);
static_assert(detail::kOpcodeInfo[static_cast<size_t>(Opcode::I64Load32U)].mem_size == 4);

}  // namespace cloister::wasm
