// SPDX-License-Identifier: Apache-2.0
#include "wasm/compiler.h"

#include <algorithm>
#include <string>

#include "wasm/instr_decoder.h"

namespace cloister::wasm {

uint32_t CompiledFunction::source_offset(uint32_t pos) const {
  // Last entry whose code position is <= pos.
  auto it = std::upper_bound(source_map.begin(), source_map.end(), pos,
                             [](uint32_t p, const auto& e) { return p < e.first; });
  if (it == source_map.begin()) return 0;
  return std::prev(it)->second;
}

namespace {

constexpr uint32_t kNoFixup = UINT32_MAX;

// One entry of the compile-time control stack (a Wasm block, loop, if or
// the function body itself).
struct Control {
  enum class Kind : uint8_t { Function, Block, Loop, If };
  Kind kind = Kind::Block;
  uint32_t base = 0;  // operand stack height below the block's parameters
  uint32_t num_params = 0;
  uint32_t num_results = 0;
  uint32_t loop_start = 0;         // Loop: code position branches jump to
  uint32_t else_fixup = kNoFixup;  // If: the BrIfNot target word to patch at else/end
  std::vector<uint32_t> fixups;    // words to patch with the end position

  // Values a branch to this label carries.
  uint32_t branch_arity() const { return kind == Kind::Loop ? num_params : num_results; }
};

class FunctionCompiler {
 public:
  FunctionCompiler(const Module& module, uint32_t defined_index, const EngineLimits& limits)
      : module_(module), fn_(module.functions[defined_index]), limits_(limits) {
    out_.func_index = module.num_imported_funcs + defined_index;
  }

  Result<CompiledFunction> compile() {
    if (fn_.type_index >= module_.types.size()) return error(fn_.body_offset, "bad type index");
    const FuncType& type = module_.types[fn_.type_index];
    out_.num_params = static_cast<uint32_t>(type.params.size());
    out_.num_results = static_cast<uint32_t>(type.results.size());
    const uint64_t locals = uint64_t{out_.num_params} + fn_.local_count;
    if (locals > uint64_t{limits_.max_locals_per_function} + limits_.max_params) {
      return error(fn_.body_offset, "too many locals");
    }
    out_.num_locals = static_cast<uint32_t>(locals);
    out_.code.reserve(fn_.body.size() * 2 + 8);

    Control fn;
    fn.kind = Control::Kind::Function;
    fn.num_results = out_.num_results;
    controls_.push_back(std::move(fn));
    begin_fuel_region(fn_.body_offset);

    InstrDecoder decoder(ByteReader(fn_.body, fn_.body_offset), limits_);
    Instr in;
    while (!controls_.empty()) {
      if (!decoder.next(&in)) {
        return error(decoder.error().offset, decoder.error().reason);
      }
      CLOISTER_TRY(step(in, decoder));
    }
    if (!decoder.at_end()) return error(decoder.offset(), "code after the function's end");
    end_fuel_region();
    const uint64_t frame = uint64_t{out_.num_locals} + max_height_;
    if (frame > limits_.max_value_stack_slots) return error(fn_.body_offset, "frame too large");
    out_.frame_slots = static_cast<uint32_t>(frame);
    out_.code.shrink_to_fit();
    return std::move(out_);
  }

 private:
  Unexpected error(size_t offset, std::string_view what) const {
    return fail("compile: function ", out_.func_index, " at offset ", offset, ": ", what);
  }

  // --- operand stack (slots) ---
  uint32_t slot(uint32_t height) const { return out_.num_locals + height; }
  uint32_t push() {
    const uint32_t s = slot(height_++);
    max_height_ = std::max(max_height_, height_);
    return s;
  }
  Result<uint32_t> pop() {
    if (height_ <= controls_.back().base) return error(cur_offset_, "operand stack underflow");
    return slot(--height_);
  }
  Result<uint32_t> local(uint32_t index) const {
    if (index >= out_.num_locals) return error(cur_offset_, "local index out of range");
    return index;
  }

  // --- emission ---
  uint32_t pos() const { return static_cast<uint32_t>(out_.code.size()); }
  void emit_op(IrOp op) {
    if (out_.source_map.empty() || out_.source_map.back().second != cur_offset_) {
      out_.source_map.emplace_back(pos(), static_cast<uint32_t>(cur_offset_));
    }
    out_.code.push_back(static_cast<uint32_t>(op));
  }
  void word(uint32_t w) { out_.code.push_back(w); }
  template <typename... W>
  void emit(IrOp op, W... words) {
    emit_op(op);
    (word(static_cast<uint32_t>(words)), ...);
  }
  void patch(uint32_t at, uint32_t target) { out_.code[at] = target; }

  // --- fuel: each region between fuel points is charged its instruction count ---
  void begin_fuel_region(size_t offset) {
    cur_offset_ = offset;
    emit(IrOp::Fuel, 0);
    fuel_word_ = pos() - 1;
    fuel_count_ = 0;
  }
  void end_fuel_region() { patch(fuel_word_, std::max<uint32_t>(fuel_count_, 1)); }

  // --- blocks ---
  Result<std::pair<uint32_t, uint32_t>> block_arity(int64_t block_type) const {
    if (block_type == kBlockTypeEmpty) return std::pair<uint32_t, uint32_t>{0, 0};
    if (block_type < 0) return std::pair<uint32_t, uint32_t>{0, 1};
    if (static_cast<uint64_t>(block_type) >= module_.types.size()) {
      return error(cur_offset_, "block type index out of range");
    }
    const FuncType& t = module_.types[static_cast<size_t>(block_type)];
    return std::pair<uint32_t, uint32_t>{static_cast<uint32_t>(t.params.size()),
                                         static_cast<uint32_t>(t.results.size())};
  }

  Result<void> open(Control::Kind kind, int64_t block_type) {
    if (controls_.size() > limits_.max_block_nesting + 1u) {
      return error(cur_offset_, "blocks nested too deeply");
    }
    CLOISTER_TRY_ASSIGN(auto arity, block_arity(block_type));
    if (height_ < controls_.back().base + arity.first) {
      return error(cur_offset_, "operand stack underflow (block parameters)");
    }
    Control c;
    c.kind = kind;
    c.num_params = arity.first;
    c.num_results = arity.second;
    c.base = height_ - arity.first;
    controls_.push_back(std::move(c));
    return ok();
  }

  Result<Control*> label(uint32_t depth) {
    if (depth >= controls_.size()) return error(cur_offset_, "label index out of range");
    return &controls_[controls_.size() - 1 - depth];
  }

  // True when a branch to `target` from the current height moves no values.
  bool branch_in_place(const Control& target) const {
    const uint32_t arity = target.branch_arity();
    return target.kind != Control::Kind::Function && (arity == 0 || height_ - arity == target.base);
  }

  // Emits the moves and the jump of an unconditional branch to `target`.
  Result<void> emit_branch(Control& target) {
    const uint32_t arity = target.branch_arity();
    if (height_ < arity) return error(cur_offset_, "operand stack underflow (branch)");
    if (target.kind == Control::Kind::Function) {
      emit(IrOp::Return, slot(height_ - arity));
      return ok();
    }
    const uint32_t from = height_ - arity;
    if (from != target.base) {
      for (uint32_t i = 0; i < arity; ++i) emit(IrOp::Copy, slot(target.base + i), slot(from + i));
    }
    emit_jump_word(IrOp::Br, target);
    return ok();
  }

  // Emits `op [operands] target` where target is resolved now (loops) or
  // patched at the block's end.
  void emit_target(Control& target) {
    if (target.kind == Control::Kind::Loop) {
      word(target.loop_start);
    } else {
      target.fixups.push_back(pos());
      word(kNoFixup);
    }
  }
  void emit_jump_word(IrOp op, Control& target) {
    emit_op(op);
    emit_target(target);
  }

  // Enters unreachable code: instructions are skipped until the matching
  // else/end, but nesting is still tracked.
  void set_unreachable() {
    unreachable_ = true;
    dead_depth_ = 0;
  }

  Result<void> step(const Instr& in, const InstrDecoder& decoder) {
    cur_offset_ = in.offset;
    ++fuel_count_;
    if (unreachable_) {
      switch (in.op) {
        case Opcode::Block:
        case Opcode::Loop:
        case Opcode::If:
          ++dead_depth_;
          return ok();
        case Opcode::Else:
          if (dead_depth_ == 0) return do_else();
          return ok();
        case Opcode::End:
          if (dead_depth_ == 0) return do_end();
          --dead_depth_;
          return ok();
        default:
          return ok();
      }
    }
    const OpcodeInfo& info = opcode_info(in.op);
    switch (in.op) {
      case Opcode::Nop:
        return ok();
      case Opcode::Unreachable:
        emit(IrOp::Unreachable);
        set_unreachable();
        return ok();
      case Opcode::Block:
        return open(Control::Kind::Block, in.block_type);
      case Opcode::Loop: {
        CLOISTER_TRY(open(Control::Kind::Loop, in.block_type));
        end_fuel_region();
        begin_fuel_region(in.offset);
        controls_.back().loop_start = fuel_word_ - 1;
        return ok();
      }
      case Opcode::If: {
        CLOISTER_TRY_ASSIGN(uint32_t cond, pop());
        CLOISTER_TRY(open(Control::Kind::If, in.block_type));
        emit(IrOp::BrIfNot, cond);
        controls_.back().else_fixup = pos();
        word(kNoFixup);
        return ok();
      }
      case Opcode::Else:
        return do_else();
      case Opcode::End:
        return do_end();
      case Opcode::Br: {
        CLOISTER_TRY_ASSIGN(Control * target, label(in.a));
        CLOISTER_TRY(emit_branch(*target));
        set_unreachable();
        return ok();
      }
      case Opcode::BrIf: {
        CLOISTER_TRY_ASSIGN(uint32_t cond, pop());
        CLOISTER_TRY_ASSIGN(Control * target, label(in.a));
        if (branch_in_place(*target)) {
          emit_op(IrOp::BrIf);
          word(cond);
          emit_target(*target);
        } else {
          emit(IrOp::BrIfNot, cond);
          const uint32_t skip = pos();
          word(kNoFixup);
          CLOISTER_TRY(emit_branch(*target));
          patch(skip, pos());
        }
        return ok();
      }
      case Opcode::BrTable:
        return do_br_table(in, decoder.br_table_labels());
      case Opcode::Return: {
        if (height_ < out_.num_results) return error(in.offset, "operand stack underflow (return)");
        emit(IrOp::Return, slot(height_ - out_.num_results));
        set_unreachable();
        return ok();
      }
      case Opcode::Call: {
        if (in.a >= module_.total_funcs()) return error(in.offset, "function index out of range");
        const FuncType& t = module_.func_type(in.a);
        return emit_call(t, [&](uint32_t base) { emit(IrOp::Call, in.a, base); });
      }
      case Opcode::CallIndirect: {
        if (in.a >= module_.types.size()) return error(in.offset, "type index out of range");
        if (in.b >= module_.total_tables()) return error(in.offset, "table index out of range");
        CLOISTER_TRY_ASSIGN(uint32_t index, pop());
        const FuncType& t = module_.types[in.a];
        return emit_call(t,
                         [&](uint32_t base) { emit(IrOp::CallIndirect, in.a, in.b, index, base); });
      }
      case Opcode::Drop: {
        CLOISTER_TRY(pop());
        return ok();
      }
      case Opcode::Select:
      case Opcode::SelectT: {
        CLOISTER_TRY_ASSIGN(uint32_t c, pop());
        CLOISTER_TRY_ASSIGN(uint32_t b, pop());
        CLOISTER_TRY_ASSIGN(uint32_t a, pop());
        emit(IrOp::Select, push(), a, b, c);
        return ok();
      }
      case Opcode::LocalGet: {
        CLOISTER_TRY_ASSIGN(uint32_t l, local(in.a));
        emit(IrOp::Copy, push(), l);
        return ok();
      }
      case Opcode::LocalSet: {
        CLOISTER_TRY_ASSIGN(uint32_t l, local(in.a));
        CLOISTER_TRY_ASSIGN(uint32_t a, pop());
        emit(IrOp::Copy, l, a);
        return ok();
      }
      case Opcode::LocalTee: {
        CLOISTER_TRY_ASSIGN(uint32_t l, local(in.a));
        CLOISTER_TRY_ASSIGN(uint32_t a, pop());
        push();
        emit(IrOp::Copy, l, a);
        return ok();
      }
      case Opcode::GlobalGet:
        if (in.a >= module_.total_globals()) return error(in.offset, "global index out of range");
        emit(IrOp::GlobalGet, push(), in.a);
        return ok();
      case Opcode::GlobalSet: {
        if (in.a >= module_.total_globals()) return error(in.offset, "global index out of range");
        CLOISTER_TRY_ASSIGN(uint32_t a, pop());
        emit(IrOp::GlobalSet, a, in.a);
        return ok();
      }
      case Opcode::I32Const:
      case Opcode::F32Const:
        emit(IrOp::Const32, push(), in.bits);
        return ok();
      case Opcode::I64Const:
      case Opcode::F64Const:
        emit(IrOp::Const64, push(), in.bits & 0xffffffffu, in.bits >> 32);
        return ok();
      case Opcode::RefNull:
        emit(IrOp::Const32, push(), 0);
        return ok();
      case Opcode::RefIsNull: {
        CLOISTER_TRY_ASSIGN(uint32_t a, pop());
        emit(IrOp::RefIsNull, push(), a);
        return ok();
      }
      case Opcode::RefFunc:
        if (in.a >= module_.total_funcs()) return error(in.offset, "function index out of range");
        emit(IrOp::RefFunc, push(), in.a);
        return ok();
      default:
        break;
    }
    if (info.imm == ImmKind::Memarg) return do_memory_access(in, info);
    if (info.imm == ImmKind::None && info.result.has_value() && info.operands[0].has_value() &&
        !info.operands[2].has_value()) {
      // Simple numeric instruction: one or two operands, one result.
      if (info.operands[1].has_value()) {
        CLOISTER_TRY_ASSIGN(uint32_t b, pop());
        CLOISTER_TRY_ASSIGN(uint32_t a, pop());
        emit(ir_op(in.op), push(), a, b);
      } else {
        CLOISTER_TRY_ASSIGN(uint32_t a, pop());
        emit(ir_op(in.op), push(), a);
      }
      return ok();
    }
    return do_bulk(in);
  }

  template <typename EmitFn>
  Result<void> emit_call(const FuncType& t, EmitFn emit_fn) {
    const uint32_t n = static_cast<uint32_t>(t.params.size());
    const uint32_t m = static_cast<uint32_t>(t.results.size());
    if (height_ < controls_.back().base + n) return error(cur_offset_, "operand stack underflow");
    const uint32_t base = height_ - n;
    emit_fn(slot(base));
    height_ = base + m;
    max_height_ = std::max(max_height_, height_);
    return ok();
  }

  Result<void> do_memory_access(const Instr& in, const OpcodeInfo& info) {
    if (module_.total_memories() == 0) return error(in.offset, "no memory");
    if (info.result.has_value()) {  // load
      CLOISTER_TRY_ASSIGN(uint32_t addr, pop());
      emit(ir_op(in.op), push(), addr, in.b);
    } else {  // store
      CLOISTER_TRY_ASSIGN(uint32_t value, pop());
      CLOISTER_TRY_ASSIGN(uint32_t addr, pop());
      emit(ir_op(in.op), addr, value, in.b);
    }
    return ok();
  }

  Result<void> check_table(uint32_t t) const {
    if (t >= module_.total_tables()) return error(cur_offset_, "table index out of range");
    return ok();
  }
  Result<void> check_memory() const {
    if (module_.total_memories() == 0) return error(cur_offset_, "no memory");
    return ok();
  }

  // Memory, table and segment instructions.
  Result<void> do_bulk(const Instr& in) {
    switch (in.op) {
      case Opcode::MemorySize:
        CLOISTER_TRY(check_memory());
        emit(IrOp::MemorySize, push());
        return ok();
      case Opcode::MemoryGrow: {
        CLOISTER_TRY(check_memory());
        CLOISTER_TRY_ASSIGN(uint32_t delta, pop());
        emit(IrOp::MemoryGrow, push(), delta);
        return ok();
      }
      case Opcode::MemoryFill:
      case Opcode::MemoryCopy:
      case Opcode::MemoryInit:
      case Opcode::TableInit:
      case Opcode::TableCopy: {
        CLOISTER_TRY_ASSIGN(uint32_t n, pop());
        CLOISTER_TRY_ASSIGN(uint32_t s, pop());
        CLOISTER_TRY_ASSIGN(uint32_t d, pop());
        if (in.op == Opcode::MemoryFill || in.op == Opcode::MemoryCopy) {
          CLOISTER_TRY(check_memory());
          emit(ir_op(in.op), d, s, n);
        } else if (in.op == Opcode::MemoryInit) {
          CLOISTER_TRY(check_memory());
          if (in.a >= module_.datas.size()) return error(in.offset, "data index out of range");
          emit(IrOp::MemoryInit, d, s, n, in.a);
        } else if (in.op == Opcode::TableInit) {
          CLOISTER_TRY(check_table(in.b));
          if (in.a >= module_.elems.size()) return error(in.offset, "element index out of range");
          emit(IrOp::TableInit, d, s, n, in.b, in.a);
        } else {
          CLOISTER_TRY(check_table(in.a));
          CLOISTER_TRY(check_table(in.b));
          emit(IrOp::TableCopy, d, s, n, in.a, in.b);
        }
        return ok();
      }
      case Opcode::DataDrop:
        if (in.a >= module_.datas.size()) return error(in.offset, "data index out of range");
        emit(IrOp::DataDrop, in.a);
        return ok();
      case Opcode::ElemDrop:
        if (in.a >= module_.elems.size()) return error(in.offset, "element index out of range");
        emit(IrOp::ElemDrop, in.a);
        return ok();
      case Opcode::TableGet: {
        CLOISTER_TRY(check_table(in.a));
        CLOISTER_TRY_ASSIGN(uint32_t i, pop());
        emit(IrOp::TableGet, push(), i, in.a);
        return ok();
      }
      case Opcode::TableSet: {
        CLOISTER_TRY(check_table(in.a));
        CLOISTER_TRY_ASSIGN(uint32_t v, pop());
        CLOISTER_TRY_ASSIGN(uint32_t i, pop());
        emit(IrOp::TableSet, i, v, in.a);
        return ok();
      }
      case Opcode::TableSize:
        CLOISTER_TRY(check_table(in.a));
        emit(IrOp::TableSize, push(), in.a);
        return ok();
      case Opcode::TableGrow: {
        CLOISTER_TRY(check_table(in.a));
        CLOISTER_TRY_ASSIGN(uint32_t delta, pop());
        CLOISTER_TRY_ASSIGN(uint32_t init, pop());
        emit(IrOp::TableGrow, push(), init, delta, in.a);
        return ok();
      }
      case Opcode::TableFill: {
        CLOISTER_TRY(check_table(in.a));
        CLOISTER_TRY_ASSIGN(uint32_t n, pop());
        CLOISTER_TRY_ASSIGN(uint32_t v, pop());
        CLOISTER_TRY_ASSIGN(uint32_t i, pop());
        emit(IrOp::TableFill, i, v, n, in.a);
        return ok();
      }
      default:
        break;
    }
    return error(in.offset,
                 std::string("cannot compile instruction ") + std::string(opcode_info(in.op).name));
  }

  Result<void> do_br_table(const Instr& in, const std::vector<uint32_t>& labels) {
    CLOISTER_TRY_ASSIGN(uint32_t index, pop());
    const uint32_t count = static_cast<uint32_t>(labels.size());
    emit(IrOp::BrTable, index, count);
    const uint32_t table = pos();
    for (uint32_t i = 0; i <= count; ++i) word(kNoFixup);
    // Targets that need moves get a stub after the table: moves + jump.
    for (uint32_t i = 0; i <= count; ++i) {
      const uint32_t depth = i < count ? labels[i] : in.a;
      CLOISTER_TRY_ASSIGN(Control * target, label(depth));
      if (branch_in_place(*target)) {
        if (target->kind == Control::Kind::Loop) {
          patch(table + i, target->loop_start);
        } else {
          target->fixups.push_back(table + i);
        }
      } else {
        patch(table + i, pos());
        CLOISTER_TRY(emit_branch(*target));
      }
    }
    set_unreachable();
    return ok();
  }

  Result<void> do_else() {
    Control& c = controls_.back();
    if (c.kind != Control::Kind::If || c.else_fixup == kNoFixup) {
      return error(cur_offset_, "else without if");
    }
    if (!unreachable_) {
      // The then-branch falls through to the end.
      emit_op(IrOp::Br);
      c.fixups.push_back(pos());
      word(kNoFixup);
    }
    patch(c.else_fixup, pos());
    c.else_fixup = kNoFixup;
    height_ = c.base + c.num_params;
    unreachable_ = false;
    return ok();
  }

  Result<void> do_end() {
    Control& c = controls_.back();
    if (c.kind == Control::Kind::Function) {
      if (!unreachable_) {
        if (height_ < c.num_results) return error(cur_offset_, "operand stack underflow (end)");
        emit(IrOp::Return, slot(height_ - c.num_results));
      }
      controls_.pop_back();
      return ok();
    }
    // An if without else passes its parameters through as results.
    if (c.else_fixup != kNoFixup) patch(c.else_fixup, pos());
    const uint32_t end = pos();
    for (uint32_t at : c.fixups) patch(at, end);
    height_ = c.base + c.num_results;
    max_height_ = std::max(max_height_, height_);
    controls_.pop_back();
    unreachable_ = false;
    return ok();
  }

  const Module& module_;
  const Function& fn_;
  const EngineLimits& limits_;
  CompiledFunction out_;
  std::vector<Control> controls_;
  uint32_t height_ = 0;
  uint32_t max_height_ = 0;
  bool unreachable_ = false;
  uint32_t dead_depth_ = 0;
  size_t cur_offset_ = 0;
  uint32_t fuel_word_ = 0;
  uint32_t fuel_count_ = 0;
};

}  // namespace

Result<CompiledFunction> compile_function(const Module& module, uint32_t defined_index,
                                          const EngineLimits& limits) {
  if (defined_index >= module.functions.size()) {
    return fail("compile: defined function ", defined_index, " out of range");
  }
  return FunctionCompiler(module, defined_index, limits).compile();
}

}  // namespace cloister::wasm
