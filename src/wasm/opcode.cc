// SPDX-License-Identifier: Apache-2.0
#include "wasm/opcode.h"

#include <array>

namespace cloister::wasm {

namespace {

constexpr std::optional<ValType> kNone = std::nullopt;
constexpr std::optional<ValType> kI32 = ValType::I32;
constexpr std::optional<ValType> kI64 = ValType::I64;
constexpr std::optional<ValType> kF32 = ValType::F32;
constexpr std::optional<ValType> kF64 = ValType::F64;

// In opcodes.def "___" marks "no type"; the row is simple when it has any
// type at all, except for the instructions that also need checks beyond
// their types (memory and table access, which the validator types by hand
// with the same table entries).
#define ___ kNone
#define I32 kI32
#define I64 kI64
#define F32 kF32
#define F64 kF64

constexpr std::array<OpcodeInfo, kOpcodeCount> kInfo = {{
#define WASM_OPCODE(res, t1, t2, t3, mem, prefix, code, name, text, imm) \
  OpcodeInfo{text,         prefix,                                       \
             code,         ImmKind::imm,                                 \
             mem,          res,                                          \
             {t1, t2, t3}, ImmKind::imm == ImmKind::None && (res.has_value() || t1.has_value())},
#include "wasm/opcodes.def"
}};

#undef ___
#undef I32
#undef I64
#undef F32
#undef F64

struct Tables {
  std::array<int16_t, 256> single{};
  std::array<int16_t, 32> prefixed{};
  constexpr Tables() {
    single.fill(-1);
    prefixed.fill(-1);
    for (size_t i = 0; i < kInfo.size(); ++i) {
      if (kInfo[i].prefix == 0) {
        single[kInfo[i].code] = static_cast<int16_t>(i);
      } else {
        prefixed[kInfo[i].code] = static_cast<int16_t>(i);
      }
    }
  }
};

constexpr Tables kTables;

}  // namespace

const OpcodeInfo& opcode_info(Opcode op) {
  return kInfo[static_cast<size_t>(op)];
}

std::optional<Opcode> lookup_opcode(uint8_t byte) {
  const int16_t i = kTables.single[byte];
  if (i < 0) return std::nullopt;
  return static_cast<Opcode>(i);
}

std::optional<Opcode> lookup_prefixed_opcode(uint32_t code) {
  if (code >= kTables.prefixed.size()) return std::nullopt;
  const int16_t i = kTables.prefixed[code];
  if (i < 0) return std::nullopt;
  return static_cast<Opcode>(i);
}

}  // namespace cloister::wasm
