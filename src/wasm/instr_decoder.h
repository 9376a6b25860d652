// SPDX-License-Identifier: Apache-2.0
//
// Decodes the instruction syntax of a code body or constant expression, one
// instruction at a time (Core Specification 2.0, section 5.4): the opcode and
// its immediates, with every read bounds-checked. It knows nothing about
// types or index spaces; the validator (and the decoder, for constant
// expressions) interpret what it returns.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/byte_reader.h"
#include "wasm/limits.h"
#include "wasm/opcode.h"
#include "wasm/types.h"

namespace cloister::wasm {

// One decoded instruction. Which fields are set depends on the immediate kind
// (see ImmKind); the rest stay zero.
struct Instr {
  Opcode op = Opcode::Nop;
  size_t offset = 0;  // byte offset of the opcode in the binary
  // First index immediate: label, function, local, global, table, type
  // (call_indirect), element or data segment; memarg: alignment exponent.
  uint32_t a = 0;
  // Second immediate: table of call_indirect and table.init, source table of
  // table.copy; memarg: offset.
  uint32_t b = 0;
  // Block type: -64 (0x40, empty), a negative value-type code, or a type index.
  int64_t block_type = 0;
  // i32/i64 constants (i32 zero-extended) and float bit patterns.
  uint64_t bits = 0;
  ValType ref_type = ValType::FuncRef;  // ref.null
};

// The block type encodings besides type indices (section 5.4.1).
inline constexpr int64_t kBlockTypeEmpty = -64;  // 0x40

// A failure: where and why (a spec reason text, maybe with detail).
struct InstrError {
  size_t offset = 0;
  std::string reason;
};

class InstrDecoder {
 public:
  InstrDecoder(ByteReader reader, const EngineLimits& limits) : r_(reader), limits_(limits) {}

  bool at_end() const { return r_.empty(); }
  size_t offset() const { return r_.offset(); }

  // Decodes the next instruction into *out. Returns false on malformed input
  // (then error() says why); reading past the end is an error as well.
  bool next(Instr* out);

  const InstrError& error() const { return error_; }

  // br_table's labels (without the default, which is in Instr::a) and
  // select's type list, valid until the next call of next().
  const std::vector<uint32_t>& br_table_labels() const { return labels_; }
  const std::vector<ValType>& select_types() const { return select_types_; }

 private:
  bool fail(size_t offset, std::string reason);
  bool read_u32(uint32_t* out);
  bool read_zero_byte();

  ByteReader r_;
  const EngineLimits& limits_;
  InstrError error_;
  std::vector<uint32_t> labels_;
  std::vector<ValType> select_types_;
};

// Decodes a value type byte; nullopt for unknown bytes. V128 is returned as
// such so callers can refuse it with a clear "SIMD is not supported".
std::optional<ValType> decode_val_type(uint8_t byte);

}  // namespace cloister::wasm
