// SPDX-License-Identifier: Apache-2.0
#include "wasm/compiler.h"

#include <algorithm>
#include <string>

#include "wasm/instr_decoder.h"
#include "wasm/interpreter.h"

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
// Most operand-stack entries a local write scans for pending reads.
constexpr uint32_t kMaxPendingScan = 64;

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

// The "<op>Imm" form of a binary operation, or IrOp::Count_ if it has none.
IrOp imm_form(Opcode op) {
  switch (op) {
#define CLOISTER_CASE(name) \
  case Opcode::name:        \
    return IrOp::name##Imm;
    CLOISTER_IR_IMM_OPS(CLOISTER_CASE)
#undef CLOISTER_CASE
    default:
      return IrOp::Count_;
  }
}

// An i32 comparison (register or immediate form) as the plain comparison,
// or IrOp::Count_ when `op` is not one that fuses with a branch.
IrOp comparison_of(IrOp op, bool* out_imm) {
  switch (op) {
#define CLOISTER_CASE(name) \
  case IrOp::name:          \
    *out_imm = false;       \
    return IrOp::name;      \
  case IrOp::name##Imm:     \
    *out_imm = true;        \
    return IrOp::name;
    CLOISTER_IR_BRANCH_CMP_OPS(CLOISTER_CASE)
#undef CLOISTER_CASE
    default:
      return IrOp::Count_;
  }
}

IrOp negated_comparison(IrOp cmp) {
  switch (cmp) {
    case IrOp::I32Eq:
      return IrOp::I32Ne;
    case IrOp::I32Ne:
      return IrOp::I32Eq;
    case IrOp::I32LtS:
      return IrOp::I32GeS;
    case IrOp::I32GeS:
      return IrOp::I32LtS;
    case IrOp::I32LtU:
      return IrOp::I32GeU;
    case IrOp::I32GeU:
      return IrOp::I32LtU;
    case IrOp::I32GtS:
      return IrOp::I32LeS;
    case IrOp::I32LeS:
      return IrOp::I32GtS;
    case IrOp::I32GtU:
      return IrOp::I32LeU;
    case IrOp::I32LeU:
      return IrOp::I32GtU;
    default:
      return IrOp::Count_;
  }
}

IrOp branch_form(IrOp cmp, bool imm) {
  switch (cmp) {
#define CLOISTER_CASE(name) \
  case IrOp::name:          \
    return imm ? IrOp::BrIf##name##Imm : IrOp::BrIf##name;
    CLOISTER_IR_BRANCH_CMP_OPS(CLOISTER_CASE)
#undef CLOISTER_CASE
    default:
      return IrOp::Count_;
  }
}

// A branch condition: a slot (non-zero = true), a slot tested for zero, or
// an i32 comparison whose result was never stored.
struct Condition {
  enum class Kind : uint8_t { NonZero, Zero, Compare };
  Kind kind = Kind::NonZero;
  IrOp cmp = IrOp::Count_;
  bool imm = false;
  uint32_t a = 0;
  uint32_t b = 0;
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
    begin_entry_fuel_region();

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
    thread_code(out_.code, op_starts_);
    out_.code.shrink_to_fit();
    return std::move(out_);
  }

 private:
  Unexpected error(size_t offset, std::string_view what) const {
    return fail("compile: function ", out_.func_index, " at offset ", offset, ": ", what);
  }

  // --- operand stack ---
  // Each Wasm operand stack entry has a home slot (num_locals + height). An
  // entry may also still live elsewhere: a `local.get` or a constant is not
  // copied when pushed, consumers read the local's slot (or get the constant
  // written) directly. Such pending entries are materialised into their home
  // slot before anything could change what they refer to (a write to the
  // local) and at control-flow joins, where every path must agree on where
  // values are.
  struct Entry {
    enum class Kind : uint8_t { Slot, Local, Const };
    Kind kind = Kind::Slot;
    uint32_t local = 0;  // Kind::Local
    uint64_t bits = 0;   // Kind::Const
    bool wide = false;   // Kind::Const: needs 64 bits
  };

  uint32_t height() const { return static_cast<uint32_t>(stack_.size()); }
  uint32_t slot(uint32_t height) const { return out_.num_locals + height; }
  // Pushes an entry that lives in its home slot; returns that slot.
  uint32_t push() {
    stack_.push_back(Entry{});
    max_height_ = std::max(max_height_, height());
    return slot(height() - 1);
  }
  // Pushes the result of the instruction about to be emitted (its
  // destination may later be retargeted by a following local.set/tee).
  uint32_t push_result() {
    const uint32_t s = push();
    producer_dst_ = pos() + 1;  // the word after the operation code
    return s;
  }
  void push_entry(const Entry& e) {
    if (e.kind != Entry::Kind::Slot) lowest_pending_ = std::min(lowest_pending_, height());
    stack_.push_back(e);
    max_height_ = std::max(max_height_, height());
  }
  void push_local(uint32_t local) { push_entry(Entry{Entry::Kind::Local, local, 0, false}); }
  void push_const(uint64_t bits, bool wide) {
    push_entry(Entry{Entry::Kind::Const, 0, bits, wide});
  }
  void drop_top() {
    stack_.pop_back();
    lowest_pending_ = std::min(lowest_pending_, height());
  }
  void truncate(uint32_t h) {
    stack_.resize(h);
    lowest_pending_ = std::min(lowest_pending_, height());
  }
  Result<void> check_pop(uint32_t n) const {
    if (height() < controls_.back().base + n) return error(cur_offset_, "operand stack underflow");
    return ok();
  }
  // Emits the code that puts entry `h` in slot `dst` (nothing if it is there).
  void move_entry(uint32_t h, uint32_t dst) {
    const Entry& e = stack_[h];
    switch (e.kind) {
      case Entry::Kind::Slot:
        if (slot(h) != dst) emit(IrOp::Copy, dst, slot(h));
        break;
      case Entry::Kind::Local:
        if (e.local != dst) emit(IrOp::Copy, dst, e.local);
        break;
      case Entry::Kind::Const:
        if (e.wide) {
          emit(IrOp::Const64, dst, e.bits & 0xffffffffu, e.bits >> 32);
        } else {
          emit(IrOp::Const32, dst, e.bits);
        }
        break;
    }
  }
  void materialize(uint32_t h) {
    if (stack_[h].kind == Entry::Kind::Slot) return;
    move_entry(h, slot(h));
    stack_[h] = Entry{};
  }
  // Entries below lowest_pending_ are all in their home slots, so scans
  // start there; each pending entry is materialised at most once, which
  // keeps compilation linear even for hostile bodies.
  void materialize_all() {
    for (uint32_t h = lowest_pending_; h < height(); ++h) materialize(h);
    lowest_pending_ = height();
  }
  void materialize_top(uint32_t n) {
    for (uint32_t h = std::max(lowest_pending_, height() - n); h < height(); ++h) materialize(h);
  }
  // Before `local` is written: entries still reading it get their own copy.
  void materialize_refs_to(uint32_t local, uint32_t below) {
    for (uint32_t h = lowest_pending_; h < below; ++h) {
      if (stack_[h].kind == Entry::Kind::Local && stack_[h].local == local) materialize(h);
    }
  }
  // Bounds the per-instruction scans for local writes: when many entries
  // could be pending, materialise them all once instead.
  void bound_pending_window() {
    if (height() - std::min(lowest_pending_, height()) > kMaxPendingScan) materialize_all();
  }
  // Pops an operand and returns the slot to read it from.
  Result<uint32_t> pop() {
    CLOISTER_TRY(check_pop(1));
    const uint32_t h = height() - 1;
    uint32_t read = 0;
    switch (stack_[h].kind) {
      case Entry::Kind::Slot:
        read = slot(h);
        break;
      case Entry::Kind::Local:
        read = stack_[h].local;
        break;
      case Entry::Kind::Const:
        materialize(h);
        read = slot(h);
        break;
    }
    drop_top();
    return read;
  }
  // True when the top entry was produced by the last emitted instruction
  // into its home slot, and no label sits between: its destination word can
  // be rewritten to write elsewhere.
  bool top_is_fresh_result() const {
    return producer_dst_ != kNoFixup && producer_end_ == pos() && label_pos_ != pos() &&
           !stack_.empty() && stack_.back().kind == Entry::Kind::Slot &&
           out_.code[producer_dst_] == slot(height() - 1);
  }
  Result<uint32_t> local(uint32_t index) const {
    if (index >= out_.num_locals) return error(cur_offset_, "local index out of range");
    return index;
  }

  // Pops a branch condition. If the last instruction computed it with an
  // i32.eqz or an i32 comparison, that instruction is taken back and fused
  // into the branch.
  Result<Condition> pop_condition() {
    if (top_is_fresh_result()) {
      const uint32_t start = producer_dst_ - 1;
      const auto op = static_cast<IrOp>(out_.code[start]);
      Condition c;
      bool imm = false;
      if (op == IrOp::I32Eqz) {
        c.kind = Condition::Kind::Zero;
        c.a = out_.code[start + 2];
      } else if (IrOp cmp = comparison_of(op, &imm); cmp != IrOp::Count_) {
        c.kind = Condition::Kind::Compare;
        c.cmp = cmp;
        c.imm = imm;
        c.a = out_.code[start + 2];
        c.b = out_.code[start + 3];
      } else {
        return Condition{Condition::Kind::NonZero, IrOp::Count_, false, pop().value(), 0};
      }
      out_.code.resize(start);
      op_starts_.pop_back();
      while (!out_.source_map.empty() && out_.source_map.back().first >= start) {
        out_.source_map.pop_back();
      }
      producer_dst_ = kNoFixup;
      drop_top();
      return c;
    }
    CLOISTER_TRY_ASSIGN(uint32_t slot, pop());
    return Condition{Condition::Kind::NonZero, IrOp::Count_, false, slot, 0};
  }

  // Emits a conditional jump taken when `c` is `when`; the caller appends
  // the target word.
  void emit_cond_jump(const Condition& c, bool when) {
    switch (c.kind) {
      case Condition::Kind::NonZero:
        emit_op(when ? IrOp::BrIf : IrOp::BrIfNot);
        word(c.a);
        return;
      case Condition::Kind::Zero:
        emit_op(when ? IrOp::BrIfNot : IrOp::BrIf);
        word(c.a);
        return;
      case Condition::Kind::Compare:
        emit_op(branch_form(when ? c.cmp : negated_comparison(c.cmp), c.imm));
        word(c.a);
        word(c.b);
        return;
    }
  }

  // --- emission ---
  uint32_t pos() const { return static_cast<uint32_t>(out_.code.size()); }
  void emit_op(IrOp op) {
    if (out_.source_map.empty() || out_.source_map.back().second != cur_offset_) {
      out_.source_map.emplace_back(pos(), static_cast<uint32_t>(cur_offset_));
    }
    op_starts_.push_back(pos());
    out_.code.push_back(static_cast<uint32_t>(op));
  }
  void word(uint32_t w) { out_.code.push_back(w); }
  template <typename... W>
  void emit(IrOp op, W... words) {
    const uint32_t at = pos();
    emit_op(op);
    (word(static_cast<uint32_t>(words)), ...);
    producer_end_ = producer_dst_ == at + 1 ? pos() : kNoFixup;
  }
  // Marks the current position as a branch target.
  void bind_label() { label_pos_ = pos(); }
  void patch(uint32_t at, uint32_t target) { out_.code[at] = target; }

  // --- fuel: each region between fuel points is charged its instruction count ---
  // The function entry's region is charged by the call itself
  // (CompiledFunction::entry_fuel), saving one operation per call.
  void begin_entry_fuel_region() {
    fuel_word_ = kNoFixup;
    fuel_count_ = 0;
  }
  void begin_fuel_region(size_t offset) {
    cur_offset_ = offset;
    emit(IrOp::Fuel, 0);
    fuel_word_ = pos() - 1;
    fuel_count_ = 0;
  }
  void end_fuel_region() {
    const uint32_t cost = std::max<uint32_t>(fuel_count_, 1);
    if (fuel_word_ == kNoFixup) {
      out_.entry_fuel = cost;
    } else {
      patch(fuel_word_, cost);
    }
  }

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
    CLOISTER_TRY(check_pop(arity.first));
    // Every path into and out of the block must find values in home slots.
    materialize_all();
    Control c;
    c.kind = kind;
    c.num_params = arity.first;
    c.num_results = arity.second;
    c.base = height() - arity.first;
    controls_.push_back(std::move(c));
    return ok();
  }

  Result<Control*> label(uint32_t depth) {
    if (depth >= controls_.size()) return error(cur_offset_, "label index out of range");
    return &controls_[controls_.size() - 1 - depth];
  }

  // True when a branch to `target` from here moves no values.
  bool branch_in_place(const Control& target) const {
    const uint32_t arity = target.branch_arity();
    if (target.kind == Control::Kind::Function) return false;
    if (arity == 0) return true;
    if (height() - arity != target.base) return false;
    for (uint32_t h = target.base; h < height(); ++h) {
      if (stack_[h].kind != Entry::Kind::Slot) return false;
    }
    return true;
  }

  // Emits the moves and the jump of a branch to `target`. It leaves the
  // compile-time stack unchanged: the code may run on one path only (br_if,
  // br_table), so nothing it writes may be assumed by the fall-through.
  Result<void> emit_branch(Control& target) {
    const uint32_t arity = target.branch_arity();
    CLOISTER_TRY(check_pop(0));
    if (height() < arity) return error(cur_offset_, "operand stack underflow (branch)");
    const uint32_t from = height() - arity;
    if (target.kind == Control::Kind::Function) {
      if (arity == 1 && stack_[from].kind == Entry::Kind::Local) {
        emit(IrOp::Return1, stack_[from].local);
        return ok();
      }
      // Home slots of pending entries are free, so filling them is harmless.
      for (uint32_t h = from; h < height(); ++h) move_entry(h, slot(h));
      if (arity == 1) {
        emit(IrOp::Return1, slot(from));
      } else {
        emit(IrOp::Return, slot(from), arity);
      }
      return ok();
    }
    for (uint32_t i = 0; i < arity; ++i) move_entry(from + i, slot(target.base + i));
    emit_jump_word(IrOp::Br, target);
    return ok();
  }

  // Return (or the function's end) on the straight-line path: a single
  // result computed just before is written straight into slot 0, where the
  // caller expects it (nothing of this frame is read after it).
  Result<void> emit_return() {
    if (out_.num_results == 1 && top_is_fresh_result()) {
      patch(producer_dst_, 0);
      producer_dst_ = kNoFixup;
      emit(IrOp::Return1, 0);
      return ok();
    }
    return emit_branch(controls_.front());
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

  // Compiled code grows with the body, but branches that move many values
  // (up to max_results each) could inflate it; a hostile body must not turn
  // a few bytes into gigabytes.
  Result<void> check_code_size() const {
    if (out_.code.size() > 64 * fn_.body.size() + 65536) {
      return error(cur_offset_, "compiled code too large");
    }
    return ok();
  }

  Result<void> step(const Instr& in, const InstrDecoder& decoder) {
    CLOISTER_TRY(check_code_size());
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
        bind_label();
        controls_.back().loop_start = pos();
        begin_fuel_region(in.offset);
        return ok();
      }
      case Opcode::If: {
        CLOISTER_TRY_ASSIGN(Condition cond, pop_condition());
        CLOISTER_TRY(open(Control::Kind::If, in.block_type));
        emit_cond_jump(cond, false);
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
        CLOISTER_TRY_ASSIGN(Condition cond, pop_condition());
        CLOISTER_TRY_ASSIGN(Control * target, label(in.a));
        const uint32_t arity = target->branch_arity();
        if (target->kind != Control::Kind::Function && arity <= height() &&
            (arity == 0 || height() - arity == target->base)) {
          // The values are already at the target's height: put them in
          // their home slots on both paths, then branch directly.
          materialize_top(arity);
          emit_cond_jump(cond, true);
          emit_target(*target);
        } else {
          emit_cond_jump(cond, false);
          const uint32_t skip = pos();
          word(kNoFixup);
          CLOISTER_TRY(emit_branch(*target));
          patch(skip, pos());
          bind_label();
        }
        return ok();
      }
      case Opcode::BrTable:
        return do_br_table(in, decoder.br_table_labels());
      case Opcode::Return: {
        CLOISTER_TRY(emit_return());
        set_unreachable();
        return ok();
      }
      case Opcode::Call: {
        if (in.a >= module_.total_funcs()) return error(in.offset, "function index out of range");
        const FuncType& t = module_.func_type(in.a);
        // Calls of the module's own functions need no host or instance checks.
        const IrOp call_op = in.a >= module_.num_imported_funcs ? IrOp::CallInternal : IrOp::Call;
        return emit_call(t, [&](uint32_t base) { emit(call_op, in.a, base); });
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
        CLOISTER_TRY(check_pop(1));
        drop_top();
        return ok();
      }
      case Opcode::Select:
      case Opcode::SelectT: {
        CLOISTER_TRY_ASSIGN(uint32_t c, pop());
        CLOISTER_TRY_ASSIGN(uint32_t b, pop());
        CLOISTER_TRY_ASSIGN(uint32_t a, pop());
        emit(IrOp::Select, push_result(), a, b, c);
        return ok();
      }
      case Opcode::LocalGet: {
        CLOISTER_TRY_ASSIGN(uint32_t l, local(in.a));
        push_local(l);
        return ok();
      }
      case Opcode::LocalSet:
      case Opcode::LocalTee:
        return do_local_set(in.a, in.op == Opcode::LocalTee);
      case Opcode::GlobalGet:
        if (in.a >= module_.total_globals()) return error(in.offset, "global index out of range");
        emit(IrOp::GlobalGet, push_result(), in.a);
        return ok();
      case Opcode::GlobalSet: {
        if (in.a >= module_.total_globals()) return error(in.offset, "global index out of range");
        CLOISTER_TRY_ASSIGN(uint32_t a, pop());
        emit(IrOp::GlobalSet, a, in.a);
        return ok();
      }
      case Opcode::I32Const:
      case Opcode::F32Const:
        push_const(in.bits & 0xffffffffu, false);
        return ok();
      case Opcode::I64Const:
      case Opcode::F64Const:
        push_const(in.bits, in.bits > 0xffffffffu);
        return ok();
      case Opcode::RefNull:
        push_const(0, false);
        return ok();
      case Opcode::RefIsNull: {
        CLOISTER_TRY_ASSIGN(uint32_t a, pop());
        emit(IrOp::RefIsNull, push_result(), a);
        return ok();
      }
      case Opcode::RefFunc:
        if (in.a >= module_.total_funcs()) return error(in.offset, "function index out of range");
        emit(IrOp::RefFunc, push_result(), in.a);
        return ok();
      default:
        break;
    }
    if (info.imm == ImmKind::Memarg) return do_memory_access(in, info);
    if (info.imm == ImmKind::None && info.result.has_value() && info.operands[0].has_value() &&
        !info.operands[2].has_value()) {
      // Simple numeric instruction: one or two operands, one result.
      if (info.operands[1].has_value()) {
        CLOISTER_TRY(check_pop(2));
        const IrOp with_imm = imm_form(in.op);
        const Entry& top = stack_.back();
        // i64 immediates are sign-extended from 32 bits: only values that
        // survive that round trip qualify.
        const bool is64 = info.operands[0] == ValType::I64;
        if (with_imm != IrOp::Count_ && top.kind == Entry::Kind::Const &&
            (!is64 || static_cast<int64_t>(top.bits) ==
                          static_cast<int32_t>(static_cast<uint32_t>(top.bits)))) {
          const auto imm = static_cast<uint32_t>(top.bits);
          drop_top();
          CLOISTER_TRY_ASSIGN(uint32_t a, pop());
          emit(with_imm, push_result(), a, imm);
          return ok();
        }
        CLOISTER_TRY_ASSIGN(uint32_t b, pop());
        CLOISTER_TRY_ASSIGN(uint32_t a, pop());
        emit(ir_op(in.op), push_result(), a, b);
      } else {
        CLOISTER_TRY_ASSIGN(uint32_t a, pop());
        emit(ir_op(in.op), push_result(), a);
      }
      return ok();
    }
    return do_bulk(in);
  }

  // local.set / local.tee: the value goes to the local's slot, preferably by
  // making the instruction that computed it write there directly.
  Result<void> do_local_set(uint32_t index, bool tee) {
    CLOISTER_TRY_ASSIGN(uint32_t l, local(index));
    CLOISTER_TRY(check_pop(1));
    bound_pending_window();
    const uint32_t top = height() - 1;
    const Entry e = stack_[top];
    if (e.kind == Entry::Kind::Local && e.local == l) {  // local.get x; local.set x
      if (!tee) drop_top();
      return ok();
    }
    bool others_read_l = false;
    for (uint32_t h = std::min(lowest_pending_, top); h < top; ++h) {
      if (stack_[h].kind == Entry::Kind::Local && stack_[h].local == l) others_read_l = true;
    }
    if (!others_read_l && top_is_fresh_result()) {
      patch(producer_dst_, l);
      producer_dst_ = kNoFixup;
      drop_top();
      if (tee) push_local(l);
      return ok();
    }
    materialize_refs_to(l, top);
    move_entry(top, l);
    drop_top();
    if (tee) {
      // The value is now in the local (and still wherever it was before).
      if (e.kind == Entry::Kind::Slot) {
        push();
      } else {
        push_entry(e);
      }
    }
    return ok();
  }

  template <typename EmitFn>
  Result<void> emit_call(const FuncType& t, EmitFn emit_fn) {
    const uint32_t n = static_cast<uint32_t>(t.params.size());
    const uint32_t m = static_cast<uint32_t>(t.results.size());
    CLOISTER_TRY(check_pop(n));
    materialize_top(n);
    const uint32_t base = height() - n;
    emit_fn(slot(base));
    truncate(base);
    for (uint32_t i = 0; i < m; ++i) push();
    return ok();
  }

  Result<void> do_memory_access(const Instr& in, const OpcodeInfo& info) {
    if (module_.total_memories() == 0) return error(in.offset, "no memory");
    if (info.result.has_value()) {  // load
      CLOISTER_TRY_ASSIGN(uint32_t addr, pop());
      emit(ir_op(in.op), push_result(), addr, in.b);
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
        emit(IrOp::MemorySize, push_result());
        return ok();
      case Opcode::MemoryGrow: {
        CLOISTER_TRY(check_memory());
        CLOISTER_TRY_ASSIGN(uint32_t delta, pop());
        emit(IrOp::MemoryGrow, push_result(), delta);
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
        emit(IrOp::TableGet, push_result(), i, in.a);
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
        emit(IrOp::TableSize, push_result(), in.a);
        return ok();
      case Opcode::TableGrow: {
        CLOISTER_TRY(check_table(in.a));
        CLOISTER_TRY_ASSIGN(uint32_t delta, pop());
        CLOISTER_TRY_ASSIGN(uint32_t init, pop());
        emit(IrOp::TableGrow, push_result(), init, delta, in.a);
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
    // Every target takes the same number of values; home them once (on the
    // single path leading here) so that in-place targets need no stub.
    CLOISTER_TRY_ASSIGN(Control * default_target, label(in.a));
    const uint32_t arity = default_target->branch_arity();
    if (arity > height()) return error(in.offset, "operand stack underflow (br_table)");
    materialize_top(arity);
    const uint32_t count = static_cast<uint32_t>(labels.size());
    emit(IrOp::BrTable, index, count);
    const uint32_t table = pos();
    for (uint32_t i = 0; i <= count; ++i) word(kNoFixup);
    // Targets that need moves get a stub after the table (moves + jump), one
    // per distinct target however often the table names it.
    std::vector<uint32_t> stub_of_depth(controls_.size(), kNoFixup);
    for (uint32_t i = 0; i <= count; ++i) {
      const uint32_t depth = i < count ? labels[i] : in.a;
      CLOISTER_TRY_ASSIGN(Control * target, label(depth));
      if (target->branch_arity() != arity) return error(in.offset, "br_table arity mismatch");
      if (branch_in_place(*target)) {
        if (target->kind == Control::Kind::Loop) {
          patch(table + i, target->loop_start);
        } else {
          target->fixups.push_back(table + i);
        }
      } else if (stub_of_depth[depth] != kNoFixup) {
        patch(table + i, stub_of_depth[depth]);
      } else {
        stub_of_depth[depth] = pos();
        patch(table + i, pos());
        CLOISTER_TRY(emit_branch(*target));
        CLOISTER_TRY(check_code_size());
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
      // The then-branch leaves its results in their home slots and jumps to the end.
      CLOISTER_TRY(check_pop(c.num_results));
      materialize_top(c.num_results);
      emit_op(IrOp::Br);
      c.fixups.push_back(pos());
      word(kNoFixup);
    }
    patch(c.else_fixup, pos());
    bind_label();
    c.else_fixup = kNoFixup;
    // The else-branch starts from the parameters, in their home slots.
    truncate(c.base);
    for (uint32_t i = 0; i < c.num_params; ++i) push();
    unreachable_ = false;
    return ok();
  }

  Result<void> do_end() {
    Control& c = controls_.back();
    if (c.kind == Control::Kind::Function) {
      if (!unreachable_) CLOISTER_TRY(emit_return());
      controls_.pop_back();
      return ok();
    }
    if (!unreachable_) {
      CLOISTER_TRY(check_pop(c.num_results));
      materialize_top(c.num_results);
    }
    // An if without else passes its parameters through as results.
    if (c.else_fixup != kNoFixup) patch(c.else_fixup, pos());
    const uint32_t end = pos();
    for (uint32_t at : c.fixups) patch(at, end);
    bind_label();
    truncate(c.base);
    for (uint32_t i = 0; i < c.num_results; ++i) push();
    controls_.pop_back();
    unreachable_ = false;
    return ok();
  }

  const Module& module_;
  const Function& fn_;
  const EngineLimits& limits_;
  CompiledFunction out_;
  std::vector<Control> controls_;
  std::vector<Entry> stack_;
  uint32_t max_height_ = 0;
  uint32_t lowest_pending_ = 0;
  std::vector<uint32_t>
      op_starts_;  // code positions of operation codes  // no entry below this height is pending
  // Peephole state for retargeting a result into a local (see push_result).
  uint32_t producer_dst_ = kNoFixup;
  uint32_t producer_end_ = kNoFixup;
  uint32_t label_pos_ = kNoFixup;
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
