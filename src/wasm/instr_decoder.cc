// SPDX-License-Identifier: Apache-2.0
#include "wasm/instr_decoder.h"

#include <cstdio>

#include "wasm/leb128.h"

namespace cloister::wasm {

namespace {

std::string hex_byte(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%02x", v);
  return buf;
}

}  // namespace

std::optional<ValType> decode_val_type(uint8_t byte) {
  switch (byte) {
    case 0x7f:
      return ValType::I32;
    case 0x7e:
      return ValType::I64;
    case 0x7d:
      return ValType::F32;
    case 0x7c:
      return ValType::F64;
    case 0x7b:
      return ValType::V128;
    case 0x70:
      return ValType::FuncRef;
    case 0x6f:
      return ValType::ExternRef;
    default:
      return std::nullopt;
  }
}

bool InstrDecoder::fail(size_t offset, std::string reason) {
  error_.offset = offset;
  error_.reason = std::move(reason);
  return false;
}

bool InstrDecoder::read_u32(uint32_t* out) {
  const size_t at = r_.offset();
  const LebStatus s = read_leb_u32(r_, out);
  if (s != LebStatus::Ok) return fail(at, std::string(to_string(s)));
  return true;
}

bool InstrDecoder::read_zero_byte() {
  const size_t at = r_.offset();
  uint8_t b;
  if (!r_.read_u8(&b)) return fail(at, "unexpected end");
  if (b != 0) return fail(at, "zero byte expected");
  return true;
}

bool InstrDecoder::next(Instr* out) {
  *out = Instr{};
  out->offset = r_.offset();
  uint8_t byte;
  if (!r_.read_u8(&byte)) return fail(out->offset, "unexpected end");
  std::optional<Opcode> op;
  if (byte == 0xfc) {
    uint32_t code;
    if (!read_u32(&code)) return false;
    op = lookup_prefixed_opcode(code);
    if (!op) return fail(out->offset, "illegal opcode 0xfc " + std::to_string(code));
  } else if (byte == 0xfd) {
    return fail(out->offset, "SIMD is not supported (illegal opcode 0xfd prefix)");
  } else {
    op = lookup_opcode(byte);
    if (!op) return fail(out->offset, "illegal opcode " + hex_byte(byte));
  }
  out->op = *op;

  switch (opcode_info(*op).imm) {
    case ImmKind::None:
      return true;
    case ImmKind::BlockType: {
      const size_t at = r_.offset();
      const LebStatus s = read_leb_s33(r_, &out->block_type);
      if (s != LebStatus::Ok) return fail(at, std::string(to_string(s)));
      if (out->block_type < 0 && out->block_type != kBlockTypeEmpty) {
        // A one-byte negative value is a value type code (0x40..0x7f).
        const int64_t code = out->block_type + 0x80;
        if (out->block_type > kBlockTypeEmpty) {
          const auto t = decode_val_type(static_cast<uint8_t>(code));
          if (t == ValType::V128) return fail(at, "SIMD is not supported (v128 block type)");
          if (t) return true;
        }
        return fail(at, "malformed block type");
      }
      return true;
    }
    case ImmKind::Label:
    case ImmKind::Func:
    case ImmKind::Local:
    case ImmKind::Global:
    case ImmKind::Table:
    case ImmKind::DataIndex:
    case ImmKind::ElemIndex:
      return read_u32(&out->a);
    case ImmKind::LabelTable: {
      const size_t at = r_.offset();
      uint32_t count;
      if (!read_u32(&count)) return false;
      // Each label takes at least one byte: a count beyond the remaining
      // bytes is malformed, and checking first keeps reserve() bounded.
      if (count > r_.remaining()) return fail(at, "unexpected end (br_table label count)");
      if (count > limits_.max_br_table_targets) {
        return fail(at, "br_table has " + std::to_string(count) + " labels, more than the limit " +
                            std::to_string(limits_.max_br_table_targets));
      }
      labels_.clear();
      labels_.reserve(count);
      for (uint32_t i = 0; i < count; ++i) {
        uint32_t label;
        if (!read_u32(&label)) return false;
        labels_.push_back(label);
      }
      return read_u32(&out->a);
    }
    case ImmKind::CallIndirect:
    case ImmKind::TableInit:
    case ImmKind::TableCopy:
      return read_u32(&out->a) && read_u32(&out->b);
    case ImmKind::SelectT: {
      const size_t at = r_.offset();
      uint32_t count;
      if (!read_u32(&count)) return false;
      if (count > r_.remaining()) return fail(at, "unexpected end (select type count)");
      select_types_.clear();
      select_types_.reserve(count);
      for (uint32_t i = 0; i < count; ++i) {
        const size_t type_at = r_.offset();
        uint8_t b;
        if (!r_.read_u8(&b)) return fail(type_at, "unexpected end");
        const auto t = decode_val_type(b);
        if (!t) return fail(type_at, "malformed value type " + hex_byte(b));
        if (*t == ValType::V128) return fail(type_at, "SIMD is not supported (v128 type)");
        select_types_.push_back(*t);
      }
      return true;
    }
    case ImmKind::Memarg: {
      const size_t at = r_.offset();
      if (!read_u32(&out->a)) return false;
      // Alignment exponents of 32 and more cannot describe any access (and
      // bit 6 means "memory index follows" in later versions).
      if (out->a >= 32) return fail(at, "malformed memop flags");
      return read_u32(&out->b);
    }
    case ImmKind::MemIndex:
      return read_zero_byte();
    case ImmKind::I32Const: {
      const size_t at = r_.offset();
      int32_t v;
      const LebStatus s = read_leb_s32(r_, &v);
      if (s != LebStatus::Ok) return fail(at, std::string(to_string(s)));
      out->bits = static_cast<uint32_t>(v);
      return true;
    }
    case ImmKind::I64Const: {
      const size_t at = r_.offset();
      int64_t v;
      const LebStatus s = read_leb_s64(r_, &v);
      if (s != LebStatus::Ok) return fail(at, std::string(to_string(s)));
      out->bits = static_cast<uint64_t>(v);
      return true;
    }
    case ImmKind::F32Const: {
      uint32_t v;
      if (!r_.read_u32le(&v)) return fail(r_.offset(), "unexpected end");
      out->bits = v;
      return true;
    }
    case ImmKind::F64Const: {
      if (!r_.read_u64le(&out->bits)) return fail(r_.offset(), "unexpected end");
      return true;
    }
    case ImmKind::RefType: {
      const size_t at = r_.offset();
      uint8_t b;
      if (!r_.read_u8(&b)) return fail(at, "unexpected end");
      if (b != 0x70 && b != 0x6f) return fail(at, "malformed reference type " + hex_byte(b));
      out->ref_type = static_cast<ValType>(b);
      return true;
    }
    case ImmKind::MemoryInit:
      return read_u32(&out->a) && read_zero_byte();
    case ImmKind::MemoryCopy:
      return read_zero_byte() && read_zero_byte();
  }
  return fail(out->offset, "internal error: unhandled immediate kind");
}

}  // namespace cloister::wasm
