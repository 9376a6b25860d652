// SPDX-License-Identifier: Apache-2.0
//
// The instruction set as data, expanded from opcodes.def: a dense enum of
// every non-SIMD instruction and a table of their static properties (types
// of simple instructions, memory access width, immediate kind, text name),
// shared by the instruction decoder, the validator and whoever compiles
// bodies further.
#pragma once

#include <array>
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

namespace detail {

constexpr std::optional<ValType> kNoType = std::nullopt;
constexpr std::optional<ValType> kTypeI32 = ValType::I32;
constexpr std::optional<ValType> kTypeI64 = ValType::I64;
constexpr std::optional<ValType> kTypeF32 = ValType::F32;
constexpr std::optional<ValType> kTypeF64 = ValType::F64;

// "___" in opcodes.def marks "no type". A row is simple (fully typed by its
// types) when it has no immediates and at least one type.
inline constexpr std::array<OpcodeInfo, kOpcodeCount> kOpcodeInfo = {{
#define WASM_OPCODE(res, t1, t2, t3, mem, prefix, code, name, text, imm) \
  OpcodeInfo{text,                                                       \
             prefix,                                                     \
             code,                                                       \
             ImmKind::imm,                                               \
             mem,                                                        \
             kType##res,                                                 \
             {kType##t1, kType##t2, kType##t3},                          \
             ImmKind::imm == ImmKind::None && (kType##res.has_value() || kType##t1.has_value())},
#define kType___ kNoType
#include "wasm/opcodes.def"
#undef kType___
}};

// Opcode byte (or prefixed code) -> index into kOpcodeInfo, -1 if none.
struct OpcodeTables {
  std::array<int16_t, 256> single{};
  std::array<int16_t, 32> prefixed{};
  constexpr OpcodeTables() {
    single.fill(-1);
    prefixed.fill(-1);
    for (size_t i = 0; i < kOpcodeInfo.size(); ++i) {
      auto& slot =
          kOpcodeInfo[i].prefix == 0 ? single[kOpcodeInfo[i].code] : prefixed[kOpcodeInfo[i].code];
      slot = static_cast<int16_t>(i);
    }
  }
};
inline constexpr OpcodeTables kOpcodeTables;

}  // namespace detail

inline const OpcodeInfo& opcode_info(Opcode op) {
  return detail::kOpcodeInfo[static_cast<size_t>(op)];
}

// Looks up a single-byte opcode; nullopt for bytes that are not instructions
// (including the 0xfc prefix itself and SIMD's 0xfd).
inline std::optional<Opcode> lookup_opcode(uint8_t byte) {
  const int16_t i = detail::kOpcodeTables.single[byte];
  if (i < 0) return std::nullopt;
  return static_cast<Opcode>(i);
}

// Looks up a 0xfc-prefixed opcode by the u32 that follows the prefix.
inline std::optional<Opcode> lookup_prefixed_opcode(uint32_t code) {
  if (code >= detail::kOpcodeTables.prefixed.size()) return std::nullopt;
  const int16_t i = detail::kOpcodeTables.prefixed[code];
  if (i < 0) return std::nullopt;
  return static_cast<Opcode>(i);
}

}  // namespace cloister::wasm
