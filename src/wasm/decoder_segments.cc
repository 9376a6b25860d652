// SPDX-License-Identifier: Apache-2.0
//
// The decoder's sections that carry code: constant expressions, element and
// data segments (all their 2.0 encodings).
#include <string>

#include "wasm/decoder_internal.h"
#include "wasm/instr_decoder.h"

namespace cloister::wasm::detail {

namespace {

// Encoding flags of element segments (section 5.5.12): bit 0 = passive or
// declarative, bit 1 = explicit table index (active) / declarative (not
// active), bit 2 = items are expressions instead of function indices.
constexpr uint32_t kElemPassiveOrDeclarative = 1;
constexpr uint32_t kElemExplicitTableOrDeclarative = 2;
constexpr uint32_t kElemExpressions = 4;

}  // namespace

// A constant expression is syntactically any instruction sequence ending with
// `end`; which sequences are allowed is a validation rule. The decoder keeps
// the common valid form (one constant instruction) in ConstExpr and records
// why anything else is invalid, for the validator to report.
Result<ConstExpr> ModuleDecoder::const_expr(ByteReader& r) {
  ConstExpr e;
  e.offset = r.offset();
  InstrDecoder d(ByteReader(r.rest(), r.offset()), limits_);
  uint32_t instructions = 0;
  uint32_t depth = 0;  // nested blocks inside a (necessarily invalid) expression
  bool non_constant = false;
  for (;;) {
    Instr in;
    if (!d.next(&in)) {
      const InstrError& err = d.error();
      if (err.reason == "unexpected end") {
        r.skip(d.offset() - r.offset());
        return fail_at(err.offset, end_reason(r));
      }
      return fail_at(err.offset, err.reason);
    }
    if (in.op == Opcode::End) {
      if (depth == 0) break;
      --depth;
      non_constant = true;
      continue;
    }
    ++instructions;
    switch (in.op) {
      case Opcode::I32Const:
        e.kind = ConstExpr::Kind::I32Const;
        break;
      case Opcode::I64Const:
        e.kind = ConstExpr::Kind::I64Const;
        break;
      case Opcode::F32Const:
        e.kind = ConstExpr::Kind::F32Const;
        break;
      case Opcode::F64Const:
        e.kind = ConstExpr::Kind::F64Const;
        break;
      case Opcode::RefNull:
        e.kind = ConstExpr::Kind::RefNull;
        e.ref_type = in.ref_type;
        break;
      case Opcode::RefFunc:
        e.kind = ConstExpr::Kind::RefFunc;
        break;
      case Opcode::GlobalGet:
        e.kind = ConstExpr::Kind::GlobalGet;
        break;
      case Opcode::Block:
      case Opcode::Loop:
      case Opcode::If:
        ++depth;
        non_constant = true;
        break;
      default:
        non_constant = true;
        break;
    }
    e.bits = in.bits;
    e.index = in.a;
  }
  r.skip(d.offset() - r.offset());
  if (non_constant) {
    e.invalid = "constant expression required";
  } else if (instructions != 1) {
    e.invalid = instructions == 0 ? "type mismatch: constant expression is empty"
                                  : "type mismatch: constant expression yields several values";
  }
  return e;
}

Result<void> ModuleDecoder::element_section(ByteReader& r) {
  CLOISTER_TRY_ASSIGN(uint32_t n, count(r, limits_.max_elem_segments, "element segments"));
  m_.elems.reserve(capped(n, r));
  for (uint32_t i = 0; i < n; ++i) {
    CLOISTER_TRY_ASSIGN(ElemSegment s, elem_segment(r));
    m_.elems.push_back(std::move(s));
  }
  return ok();
}

Result<ElemSegment> ModuleDecoder::elem_segment(ByteReader& r) {
  const size_t flags_at = r.offset();
  CLOISTER_TRY_ASSIGN(uint32_t flags, u32(r));
  if (flags > 7) {
    return fail_at(flags_at, "malformed elements segment kind " + std::to_string(flags));
  }
  ElemSegment s;
  if ((flags & kElemPassiveOrDeclarative) == 0) {
    s.mode = ElemSegment::Mode::Active;
    if (flags & kElemExplicitTableOrDeclarative) {
      CLOISTER_TRY_ASSIGN(s.table_index, u32(r));
    }
    CLOISTER_TRY_ASSIGN(s.offset, const_expr(r));
  } else {
    s.mode = (flags & kElemExplicitTableOrDeclarative) ? ElemSegment::Mode::Declarative
                                                       : ElemSegment::Mode::Passive;
  }
  // Flags 0 and 4 imply funcref; the others spell out the kind or type.
  const bool explicit_type = (flags & 3) != 0;
  if (flags & kElemExpressions) {
    if (explicit_type) {
      CLOISTER_TRY_ASSIGN(s.type, ref_type(r));
    }
    CLOISTER_TRY_ASSIGN(uint32_t n, count(r, limits_.max_table_elements, "element items"));
    s.items.reserve(capped(n, r));
    for (uint32_t k = 0; k < n; ++k) {
      CLOISTER_TRY_ASSIGN(ConstExpr item, const_expr(r));
      s.items.push_back(item);
    }
  } else {
    if (explicit_type) {
      const size_t kind_at = r.offset();
      CLOISTER_TRY_ASSIGN(uint8_t kind, byte(r));
      if (kind != 0x00) return fail_at(kind_at, "malformed element kind " + std::to_string(kind));
    }
    s.type = ValType::FuncRef;
    CLOISTER_TRY_ASSIGN(uint32_t n, count(r, limits_.max_table_elements, "element items"));
    s.items.reserve(capped(n, r));
    for (uint32_t k = 0; k < n; ++k) {
      ConstExpr item;
      item.offset = r.offset();
      item.kind = ConstExpr::Kind::RefFunc;
      CLOISTER_TRY_ASSIGN(item.index, u32(r));
      s.items.push_back(item);
    }
  }
  return s;
}

Result<void> ModuleDecoder::data_section(ByteReader& r) {
  const size_t at = r.offset();
  CLOISTER_TRY_ASSIGN(uint32_t n, count(r, limits_.max_data_segments, "data segments"));
  data_count_seen_ = SeenCount{n, at};
  m_.datas.reserve(capped(n, r));
  for (uint32_t i = 0; i < n; ++i) {
    CLOISTER_TRY_ASSIGN(DataSegment s, data_segment(r));
    m_.datas.push_back(s);
  }
  return ok();
}

Result<DataSegment> ModuleDecoder::data_segment(ByteReader& r) {
  const size_t flags_at = r.offset();
  CLOISTER_TRY_ASSIGN(uint32_t flags, u32(r));
  DataSegment s;
  switch (flags) {
    case 0: {
      CLOISTER_TRY_ASSIGN(s.offset, const_expr(r));
      break;
    }
    case 1:
      s.mode = DataSegment::Mode::Passive;
      break;
    case 2: {
      CLOISTER_TRY_ASSIGN(s.memory_index, u32(r));
      CLOISTER_TRY_ASSIGN(s.offset, const_expr(r));
      break;
    }
    default:
      return fail_at(flags_at, "malformed data segment kind " + std::to_string(flags));
  }
  const size_t len_at = r.offset();
  CLOISTER_TRY_ASSIGN(uint32_t len, u32(r));
  if (!r.read_bytes(len, &s.bytes)) {
    return fail_at(len_at, std::string(end_reason(r)) + ": data segment of " + std::to_string(len) +
                               " bytes exceeds the " + std::to_string(r.remaining()) +
                               " bytes left");
  }
  return s;
}

}  // namespace cloister::wasm::detail
