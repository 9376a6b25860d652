// SPDX-License-Identifier: Apache-2.0
//
// Function body validation: the algorithm of the Core Specification 2.0
// appendix (section 7.3), an operand stack of value types with an "unknown"
// type for unreachable code and a stack of control frames. It decodes the
// instruction syntax as it goes (with InstrDecoder), so a body is read once.
// Instructions whose typing is fully described by opcodes.def are checked by
// one generic rule; the rest are typed here by hand.
#include <algorithm>
#include <array>
#include <cstdio>
#include <span>
#include <string>
#include <vector>

#include "wasm/instr_decoder.h"
#include "wasm/validator_internal.h"

namespace cloister::wasm::detail {

namespace {

// The operand stack's "unknown" type (bottom), for values produced by
// unreachable code. No ValType has the encoding 0.
constexpr ValType kUnknown = static_cast<ValType>(0);

std::string type_name(ValType t) {
  return t == kUnknown ? std::string("unknown") : std::string(to_string(t));
}

// Backing storage for the types of single-value block types.
constexpr std::array<ValType, 6> kSingleTypes = {
    ValType::I32, ValType::I64, ValType::F32, ValType::F64, ValType::FuncRef, ValType::ExternRef};

std::span<const ValType> single(ValType t) {
  for (const ValType& s : kSingleTypes) {
    if (s == t) return {&s, 1};
  }
  return {};
}

struct Frame {
  Opcode op;  // Block, Loop, If, Else; Nop for the function's own frame
  std::span<const ValType> params;
  std::span<const ValType> results;
  size_t height;  // operand stack height at entry (after the params were popped)
  bool unreachable = false;
};

class FunctionValidator {
 public:
  FunctionValidator(const ValidationContext& ctx, uint32_t defined_index)
      : ctx_(ctx),
        m_(ctx.module),
        func_index_(m_.num_imported_funcs + defined_index),
        func_(m_.functions[defined_index]),
        type_(m_.types[func_.type_index]),
        decoder_(ByteReader(func_.body, func_.body_offset), ctx.limits) {}

  Result<void> run() {
    // Locals: parameters, then the declared groups (prefix sums, so looking
    // a local up is a binary search and costs no memory per local).
    uint64_t end = type_.params.size();
    local_ends_.reserve(func_.locals.size());
    for (const LocalGroup& g : func_.locals) {
      end += g.count;
      local_ends_.push_back(end);
    }
    num_locals_ = end;

    frames_.push_back(Frame{Opcode::Nop, {}, type_.results, 0});
    Instr in;
    while (!frames_.empty()) {
      if (!decoder_.next(&in)) {
        const InstrError& e = decoder_.error();
        if (e.reason == "unexpected end") {
          return malformed(e.offset, "unexpected end of section or function (END opcode expected)");
        }
        return malformed(e.offset, e.reason);
      }
      offset_ = in.offset;
      CLOISTER_TRY(instruction(in));
    }
    if (!decoder_.at_end()) {
      return malformed(decoder_.offset(),
                       "section size mismatch: operators after the end of the function");
    }
    return ok();
  }

 private:
  // --- errors ---
  Unexpected where(std::string_view kind, size_t offset, std::string_view reason) const {
    char buf[32];
    std::snprintf(buf, sizeof buf, "0x%zx", offset);
    if (kind == "malformed") {
      return fail("malformed module: code section, ", describe_function(m_, func_index_),
                  ", offset ", buf, ": ", reason);
    }
    return fail("invalid module: ", describe_function(m_, func_index_), ", offset ", buf, ": ",
                reason);
  }
  Unexpected malformed(size_t offset, std::string_view reason) const {
    return where("malformed", offset, reason);
  }
  Unexpected invalid(std::string_view reason) const { return where("invalid", offset_, reason); }
  Unexpected mismatch(ValType expected, ValType actual) const {
    return invalid("type mismatch: expected " + type_name(expected) + " but got " +
                   type_name(actual));
  }

  // --- operand stack ---
  void push(ValType t) { stack_.push_back(t); }
  void push_all(std::span<const ValType> ts) { stack_.insert(stack_.end(), ts.begin(), ts.end()); }

  Result<ValType> pop() {
    const Frame& f = frames_.back();
    if (stack_.size() == f.height) {
      if (f.unreachable) return kUnknown;
      return invalid("type mismatch: expected a value but the stack is empty");
    }
    const ValType t = stack_.back();
    stack_.pop_back();
    return t;
  }

  Result<ValType> pop(ValType expected) {
    const Frame& f = frames_.back();
    if (stack_.size() == f.height) {
      if (f.unreachable) return kUnknown;
      return invalid("type mismatch: expected " + type_name(expected) + " but the stack is empty");
    }
    const ValType actual = stack_.back();
    if (actual != expected && actual != kUnknown && expected != kUnknown) {
      return mismatch(expected, actual);
    }
    stack_.pop_back();
    return actual;
  }

  Result<void> pop_all(std::span<const ValType> ts) {
    for (size_t i = ts.size(); i-- > 0;) CLOISTER_TRY(pop(ts[i]));
    return ok();
  }

  // --- control frames ---
  Result<void> push_frame(Opcode op, std::span<const ValType> params,
                          std::span<const ValType> results) {
    if (frames_.size() > ctx_.limits.max_block_nesting) {
      return invalid("blocks nested more than " + std::to_string(ctx_.limits.max_block_nesting) +
                     " deep (engine limit)");
    }
    frames_.push_back(Frame{op, params, results, stack_.size()});
    push_all(params);
    return ok();
  }

  Result<Frame> pop_frame() {
    const Frame f = frames_.back();
    CLOISTER_TRY(pop_all(f.results));
    if (stack_.size() != f.height) {
      return invalid("type mismatch: " + std::to_string(stack_.size() - f.height) +
                     " value(s) left on the stack at the end of the block");
    }
    frames_.pop_back();
    return f;
  }

  void set_unreachable() {
    Frame& f = frames_.back();
    stack_.resize(f.height);
    f.unreachable = true;
  }

  static std::span<const ValType> label_types(const Frame& f) {
    return f.op == Opcode::Loop ? f.params : f.results;
  }

  Result<const Frame*> label(uint32_t depth) {
    if (depth >= frames_.size()) return invalid("unknown label " + std::to_string(depth));
    return &frames_[frames_.size() - 1 - depth];
  }

  struct BlockSig {
    std::span<const ValType> params;
    std::span<const ValType> results;
  };
  Result<BlockSig> block_sig(int64_t block_type) {
    if (block_type == kBlockTypeEmpty) return BlockSig{};
    if (block_type < 0) {
      const auto t = static_cast<ValType>(block_type + 0x80);
      return BlockSig{{}, single(t)};
    }
    if (static_cast<uint64_t>(block_type) >= m_.types.size()) {
      return invalid("unknown type " + std::to_string(block_type));
    }
    const FuncType& ft = m_.types[static_cast<size_t>(block_type)];
    return BlockSig{ft.params, ft.results};
  }

  // --- index spaces ---
  Result<ValType> local_type(uint32_t index) {
    if (index >= num_locals_) return invalid("unknown local " + std::to_string(index));
    if (index < type_.params.size()) return type_.params[index];
    const auto it = std::upper_bound(local_ends_.begin(), local_ends_.end(), uint64_t{index});
    return func_.locals[static_cast<size_t>(it - local_ends_.begin())].type;
  }
  Result<TableType> table(uint32_t index) {
    if (index >= m_.total_tables()) return invalid("unknown table " + std::to_string(index));
    return m_.table_type(index);
  }
  Result<void> memory(uint32_t index = 0) {
    if (index >= m_.total_memories()) return invalid("unknown memory " + std::to_string(index));
    return ok();
  }
  Result<void> data_segment(uint32_t index) {
    // Without a DataCount section the index is checked against the data
    // section first, so that an unknown index gets its own reason.
    if (index >= m_.data_count.value_or(static_cast<uint32_t>(m_.datas.size()))) {
      return invalid("unknown data segment " + std::to_string(index));
    }
    if (!m_.data_count) {
      return malformed(offset_, "data count section required (for memory.init and data.drop)");
    }
    return ok();
  }
  Result<const ElemSegment*> elem_segment(uint32_t index) {
    if (index >= m_.elems.size()) return invalid("unknown elem segment " + std::to_string(index));
    return &m_.elems[index];
  }
  Result<const FuncType*> func(uint32_t index) {
    if (index >= m_.total_funcs()) return invalid("unknown function " + std::to_string(index));
    return &m_.func_type(index);
  }

  // --- instructions ---
  Result<void> simple(const OpcodeInfo& info) {
    for (size_t i = 3; i-- > 0;) {
      if (info.operands[i]) CLOISTER_TRY(pop(*info.operands[i]));
    }
    if (info.result) push(*info.result);
    return ok();
  }

  Result<void> call(const FuncType& t) {
    CLOISTER_TRY(pop_all(t.params));
    push_all(t.results);
    return ok();
  }

  Result<void> instruction(const Instr& in);
  Result<void> branch_table(const Instr& in);
  Result<void> select(const Instr& in);
  Result<void> memory_access(const Instr& in, const OpcodeInfo& info);

  const ValidationContext& ctx_;
  const Module& m_;
  const uint32_t func_index_;
  const Function& func_;
  const FuncType& type_;
  InstrDecoder decoder_;
  size_t offset_ = 0;
  uint64_t num_locals_ = 0;
  std::vector<uint64_t> local_ends_;
  std::vector<ValType> stack_;
  std::vector<Frame> frames_;
  std::vector<ValType> scratch_;
};

Result<void> FunctionValidator::memory_access(const Instr& in, const OpcodeInfo& info) {
  CLOISTER_TRY(memory());
  // Alignment is an exponent; 2^a must not exceed the access width.
  if ((uint64_t{1} << in.a) > info.mem_size) {
    return invalid("alignment must not be larger than natural (2^" + std::to_string(in.a) + " > " +
                   std::to_string(info.mem_size) + " bytes)");
  }
  return simple(info);
}

Result<void> FunctionValidator::select(const Instr& in) {
  if (in.op == Opcode::SelectT) {
    const auto& types = decoder_.select_types();
    if (types.size() != 1) return invalid("invalid result arity for typed select");
    CLOISTER_TRY(pop(ValType::I32));
    CLOISTER_TRY(pop(types[0]));
    CLOISTER_TRY(pop(types[0]));
    push(types[0]);
    return ok();
  }
  CLOISTER_TRY(pop(ValType::I32));
  CLOISTER_TRY_ASSIGN(ValType t1, pop());
  CLOISTER_TRY_ASSIGN(ValType t2, pop());
  // Untyped select works on numeric types only (references need select t).
  if (is_ref(t1) || is_ref(t2)) {
    return invalid("type mismatch: select without a type needs numeric operands, got " +
                   type_name(t2) + " and " + type_name(t1));
  }
  if (t1 != t2 && t1 != kUnknown && t2 != kUnknown) return mismatch(t2, t1);
  push(t1 == kUnknown ? t2 : t1);
  return ok();
}

Result<void> FunctionValidator::branch_table(const Instr& in) {
  CLOISTER_TRY(pop(ValType::I32));
  CLOISTER_TRY_ASSIGN(const Frame* dflt, label(in.a));
  const size_t arity = label_types(*dflt).size();
  // Checking a label leaves the stack's types as they were, so a label whose
  // types are the very same span as the previous one's needs no second check
  // (this keeps a br_table of 65520 labels into one wide block linear).
  std::span<const ValType> checked;
  for (uint32_t l : decoder_.br_table_labels()) {
    CLOISTER_TRY_ASSIGN(const Frame* target, label(l));
    const std::span<const ValType> types = label_types(*target);
    if (types.size() != arity) {
      return invalid("type mismatch: br_table targets have different arities (" +
                     std::to_string(types.size()) + " vs " + std::to_string(arity) + ")");
    }
    if (types.data() == checked.data() && types.size() == checked.size()) continue;
    checked = types;
    // Pop and re-push, so each target is checked against the same operands
    // (and unknown operands take each target's type in turn).
    scratch_.resize(types.size());
    for (size_t i = types.size(); i-- > 0;) {
      CLOISTER_TRY_ASSIGN(scratch_[i], pop(types[i]));
    }
    push_all(scratch_);
  }
  CLOISTER_TRY(pop_all(label_types(*dflt)));
  set_unreachable();
  return ok();
}

Result<void> FunctionValidator::instruction(const Instr& in) {
  const OpcodeInfo& info = opcode_info(in.op);
  if (info.simple) return simple(info);
  switch (in.op) {
    case Opcode::Unreachable:
      set_unreachable();
      return ok();
    case Opcode::Nop:
      return ok();
    case Opcode::Block:
    case Opcode::Loop:
    case Opcode::If: {
      CLOISTER_TRY_ASSIGN(BlockSig sig, block_sig(in.block_type));
      if (in.op == Opcode::If) CLOISTER_TRY(pop(ValType::I32));
      CLOISTER_TRY(pop_all(sig.params));
      return push_frame(in.op, sig.params, sig.results);
    }
    case Opcode::Else: {
      if (frames_.back().op != Opcode::If) return malformed(in.offset, "else without if");
      CLOISTER_TRY_ASSIGN(Frame f, pop_frame());
      return push_frame(Opcode::Else, f.params, f.results);
    }
    case Opcode::End: {
      CLOISTER_TRY_ASSIGN(Frame f, pop_frame());
      // An if without else behaves as if its else passed the params through.
      if (f.op == Opcode::If &&
          !std::equal(f.params.begin(), f.params.end(), f.results.begin(), f.results.end())) {
        return invalid("type mismatch: if without else must produce its parameters");
      }
      if (!frames_.empty()) push_all(f.results);
      return ok();
    }
    case Opcode::Br: {
      CLOISTER_TRY_ASSIGN(const Frame* target, label(in.a));
      CLOISTER_TRY(pop_all(label_types(*target)));
      set_unreachable();
      return ok();
    }
    case Opcode::BrIf: {
      CLOISTER_TRY_ASSIGN(const Frame* target, label(in.a));
      CLOISTER_TRY(pop(ValType::I32));
      const std::span<const ValType> types = label_types(*target);
      CLOISTER_TRY(pop_all(types));
      push_all(types);
      return ok();
    }
    case Opcode::BrTable:
      return branch_table(in);
    case Opcode::Return: {
      CLOISTER_TRY(pop_all(type_.results));
      set_unreachable();
      return ok();
    }
    case Opcode::Call: {
      CLOISTER_TRY_ASSIGN(const FuncType* t, func(in.a));
      return call(*t);
    }
    case Opcode::CallIndirect: {
      CLOISTER_TRY_ASSIGN(TableType t, table(in.b));
      if (t.elem != ValType::FuncRef) {
        return invalid("type mismatch: call_indirect through a table of " + type_name(t.elem));
      }
      if (in.a >= m_.types.size()) return invalid("unknown type " + std::to_string(in.a));
      CLOISTER_TRY(pop(ValType::I32));
      return call(m_.types[in.a]);
    }
    case Opcode::Drop: {
      CLOISTER_TRY(pop());
      return ok();
    }
    case Opcode::Select:
    case Opcode::SelectT:
      return select(in);
    case Opcode::LocalGet: {
      CLOISTER_TRY_ASSIGN(ValType t, local_type(in.a));
      push(t);
      return ok();
    }
    case Opcode::LocalSet: {
      CLOISTER_TRY_ASSIGN(ValType t, local_type(in.a));
      CLOISTER_TRY(pop(t));
      return ok();
    }
    case Opcode::LocalTee: {
      CLOISTER_TRY_ASSIGN(ValType t, local_type(in.a));
      CLOISTER_TRY(pop(t));
      push(t);
      return ok();
    }
    case Opcode::GlobalGet: {
      if (in.a >= m_.total_globals()) return invalid("unknown global " + std::to_string(in.a));
      push(m_.global_type(in.a).type);
      return ok();
    }
    case Opcode::GlobalSet: {
      if (in.a >= m_.total_globals()) return invalid("unknown global " + std::to_string(in.a));
      const GlobalType g = m_.global_type(in.a);
      if (!g.mutable_) return invalid("global is immutable (global " + std::to_string(in.a) + ")");
      CLOISTER_TRY(pop(g.type));
      return ok();
    }
    case Opcode::TableGet: {
      CLOISTER_TRY_ASSIGN(TableType t, table(in.a));
      CLOISTER_TRY(pop(ValType::I32));
      push(t.elem);
      return ok();
    }
    case Opcode::TableSet: {
      CLOISTER_TRY_ASSIGN(TableType t, table(in.a));
      CLOISTER_TRY(pop(t.elem));
      CLOISTER_TRY(pop(ValType::I32));
      return ok();
    }
    case Opcode::TableSize: {
      CLOISTER_TRY(table(in.a));
      push(ValType::I32);
      return ok();
    }
    case Opcode::TableGrow: {
      CLOISTER_TRY_ASSIGN(TableType t, table(in.a));
      CLOISTER_TRY(pop(ValType::I32));
      CLOISTER_TRY(pop(t.elem));
      push(ValType::I32);
      return ok();
    }
    case Opcode::TableFill: {
      CLOISTER_TRY_ASSIGN(TableType t, table(in.a));
      CLOISTER_TRY(pop(ValType::I32));
      CLOISTER_TRY(pop(t.elem));
      CLOISTER_TRY(pop(ValType::I32));
      return ok();
    }
    case Opcode::TableInit: {
      CLOISTER_TRY_ASSIGN(TableType t, table(in.b));
      CLOISTER_TRY_ASSIGN(const ElemSegment* s, elem_segment(in.a));
      if (t.elem != s->type) {
        return invalid("type mismatch: table.init of " + type_name(s->type) +
                       " elements into a table of " + type_name(t.elem));
      }
      return simple(info);
    }
    case Opcode::ElemDrop: {
      CLOISTER_TRY(elem_segment(in.a));
      return ok();
    }
    case Opcode::TableCopy: {
      CLOISTER_TRY_ASSIGN(TableType dst, table(in.a));
      CLOISTER_TRY_ASSIGN(TableType src, table(in.b));
      if (dst.elem != src.elem) {
        return invalid("type mismatch: table.copy from a table of " + type_name(src.elem) +
                       " to a table of " + type_name(dst.elem));
      }
      return simple(info);
    }
    case Opcode::MemorySize:
    case Opcode::MemoryGrow:
    case Opcode::MemoryFill:
    case Opcode::MemoryCopy: {
      CLOISTER_TRY(memory());
      return simple(info);
    }
    case Opcode::MemoryInit: {
      CLOISTER_TRY(memory());
      CLOISTER_TRY(data_segment(in.a));
      return simple(info);
    }
    case Opcode::DataDrop:
      return data_segment(in.a);
    case Opcode::I32Const:
    case Opcode::I64Const:
    case Opcode::F32Const:
    case Opcode::F64Const:
      return simple(info);
    case Opcode::RefNull:
      push(in.ref_type);
      return ok();
    case Opcode::RefIsNull: {
      CLOISTER_TRY_ASSIGN(ValType t, pop());
      if (!is_ref(t) && t != kUnknown) {
        return invalid("type mismatch: ref.is_null needs a reference, got " + type_name(t));
      }
      push(ValType::I32);
      return ok();
    }
    case Opcode::RefFunc: {
      CLOISTER_TRY(func(in.a));
      if (!ctx_.declared_funcs[in.a]) {
        return invalid("undeclared function reference " + std::to_string(in.a));
      }
      push(ValType::FuncRef);
      return ok();
    }
    default:
      break;
  }
  if (info.mem_size != 0) return memory_access(in, info);
  return invalid("internal error: instruction " + std::string(info.name) + " not typed");
}

}  // namespace

Result<void> validate_function(const ValidationContext& ctx, uint32_t defined_index) {
  return FunctionValidator(ctx, defined_index).run();
}

}  // namespace cloister::wasm::detail
