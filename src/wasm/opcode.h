// SPDX-License-Identifier: Apache-2.0
//
// The instruction set as data, expanded from opcodes.def: a dense enum of
// every non-SIMD instruction and a table of their static properties (types
// of simple instructions, memory access width, immediate kind, text name),
// shared by the instruction decoder, the validator and whoever compiles
// bodies further.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "wasm/types.h"

namespace cloister::wasm {

enum class Opcode : uint16_t {
#define WASM_OPCODE(res, t1, t2, t3, mem, prefix, code, name, text, imm) name,
#include "wasm/opcodes.def"
};

inline constexpr size_t kOpcodeCount = 0
#define WASM_OPCODE(res, t1, t2, t3, mem, prefix, code, name, text, imm) +1
#include "wasm/opcodes.def"
    ;

// What follows an opcode in the binary (section 5.4).
enum class ImmKind : uint8_t {
  None,
  BlockType,     // s33: empty (0x40), a value type, or a type index
  Label,         // u32 label index
  LabelTable,    // vec(u32) + u32 default
  Func,          // u32 function index
  CallIndirect,  // u32 type index, u32 table index
  SelectT,       // vec(valtype)
  Local,         // u32 local index
  Global,        // u32 global index
  Table,         // u32 table index
  Memarg,        // u32 alignment exponent, u32 offset
  MemIndex,      // a single 0x00 byte (memory index 0 in 2.0)
  I32Const,      // s32
  I64Const,      // s64
  F32Const,      // 4 bytes
  F64Const,      // 8 bytes
  RefType,       // reference type byte
  MemoryInit,    // u32 data index, then 0x00
  DataIndex,     // u32 data index
  MemoryCopy,    // 0x00 0x00
  TableInit,     // u32 element index, u32 table index
  ElemIndex,     // u32 element index
  TableCopy,     // u32 table index (destination), u32 table index (source)
};

struct OpcodeInfo {
  std::string_view name;  // text format mnemonic
  uint8_t prefix;         // 0 or 0xfc
  uint32_t code;          // byte after the prefix (or the only byte)
  ImmKind imm;
  uint8_t mem_size;  // access width of loads/stores, else 0
  // Types of simple instructions (nullopt = none / typed by hand).
  std::optional<ValType> result;
  std::optional<ValType> operands[3];
  // True when the row's types fully describe the instruction's typing.
  bool simple;
};

const OpcodeInfo& opcode_info(Opcode op);

// Looks up a single-byte opcode; nullopt for bytes that are not instructions
// (including the 0xfc prefix itself and SIMD's 0xfd).
std::optional<Opcode> lookup_opcode(uint8_t byte);
// Looks up a 0xfc-prefixed opcode by the u32 that follows the prefix.
std::optional<Opcode> lookup_prefixed_opcode(uint32_t code);

}  // namespace cloister::wasm
