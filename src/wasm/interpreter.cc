// SPDX-License-Identifier: Apache-2.0
//
// The dispatch loop. Direct-threaded with computed goto (a GNU extension
// that g++ and clang++ both support): each handler ends by jumping straight
// to the next one, whose offset from a base label thread_code() stored in
// place of the operation code; that predicts better than one shared switch.
// Handlers read their operands as slot numbers from the code words (ir.h).
#include "wasm/interpreter.h"

#include <array>
#include <bit>
#include <cstring>

#include "wasm/interpreter_numeric.h"
#include "wasm/ir.h"

static_assert(std::endian::native == std::endian::little,
              "loads and stores assume a little-endian host, as Wasm is");

namespace cloister::wasm {

void ExecState::ensure_stack() {
  if (stack) return;
  const size_t n = std::max<size_t>(limits.max_value_stack_slots, 64);
  stack = std::make_unique_for_overwrite<uint64_t[]>(n);
  stack_end = stack.get() + n;
  top = stack.get();
  // One return record per live Wasm frame: the array's size is the call
  // depth limit.
  const size_t depth = std::clamp<size_t>(limits.max_call_depth, 1, size_t{1} << 24);
  frames = std::make_unique_for_overwrite<CallRecord[]>(depth);
  frames_end = frames.get() + depth;
  frame_top = frames.get();
}

Outcome<void> call_host(Store& store, FuncInst* func, uint64_t* fp, Instance* caller) {
  const FuncType& t = func->type();
  const size_t n = t.params.size();
  const size_t m = t.results.size();
  // Most host functions (WASI's included) take a handful of values: keep
  // them on the native stack, and only allocate for long signatures.
  constexpr size_t kInline = 16;
  std::array<Value, kInline> inline_args;
  std::array<Value, kInline> inline_results;
  std::vector<Value> heap_args;
  std::vector<Value> heap_results;
  std::span<Value> args(inline_args.data(), n);
  std::span<Value> results(inline_results.data(), m);
  if (n > kInline) {
    heap_args.resize(n);
    args = heap_args;
  }
  if (m > kInline) {
    heap_results.resize(m);
    results = heap_results;
  }
  for (size_t i = 0; i < n; ++i) args[i] = Value::from_raw(t.params[i], fp[i]);
  for (size_t i = 0; i < m; ++i) results[i] = Value::zero(t.results[i]);
  Caller c(store, caller);
  Outcome<void> r = (*func->host_)(c, std::span<const Value>(args), results);
  if (!r) return r;
  for (size_t i = 0; i < m; ++i) {
    if (results[i].type() != t.results[i]) {
      return Failure::error("host function " + func->host_name_ + " returned a " +
                            std::string(to_string(results[i].type())) + " for a " +
                            std::string(to_string(t.results[i])) + " result");
    }
    fp[i] = results[i].raw();
  }
  return {};
}

namespace {

Failure located_trap(TrapKind kind, const FuncInst* func, const uint32_t* pc) {
  Failure f = Failure::trap_of(kind);
  if (func != nullptr && func->code_ != nullptr) {
    const CompiledFunction& code = *func->code_;
    f.func_index = code.func_index;
    if (func->instance_ != nullptr) {
      const auto& names = func->instance_->module().function_names;
      if (auto it = names.find(code.func_index); it != names.end()) f.func_name = it->second;
    }
    if (pc != nullptr) {
      const auto pos = static_cast<uint32_t>(pc - code.code.data());
      f.offset = code.source_offset(pos);
    }
  }
  return f;
}

// Out of line so that the dispatch loop stays small (and g++ 12 does not
// warn falsely about string concatenation inlined into it).
[[gnu::noinline]] Failure trap_failure(TrapKind kind, const FuncInst* func, const uint32_t* pc,
                                       uint32_t element) {
  Failure f = located_trap(kind, func, pc);
  // The reference interpreter names the element ("uninitialized element 2").
  if (kind == TrapKind::UninitializedElement) {
    f.reason.push_back(' ');
    f.reason.append(std::to_string(element));
  }
  return f;
}

[[gnu::noinline]] Failure invalid_operation(uint32_t op) {
  std::string m = "internal error: invalid internal operation ";
  m.append(std::to_string(op));
  return Failure::error(std::move(m));
}

// call_host without a non-trivially destructible result in the caller's
// scope (the dispatch loop's indirect gotos may not leave such a scope).
bool call_host_into(Store& store, FuncInst* func, uint64_t* fp, Instance* caller,
                    Failure* out_failure) {
  Outcome<void> r = call_host(store, func, fp, caller);
  if (r) return true;
  *out_failure = r.failure();
  return false;
}

}  // namespace

namespace {

// The dispatch loop. Never inlined or cloned: the handler offsets that
// thread_code() writes into compiled code are relative to this one copy's
// labels. With `out_offsets` set it only reports those offsets.
#if defined(__clang__)
#define CLOISTER_ONE_COPY __attribute__((noinline))
#else
#define CLOISTER_ONE_COPY __attribute__((noinline, noclone))
#endif
CLOISTER_ONE_COPY Outcome<void> run(Store* store, FuncInst* entry, uint64_t* entry_fp,
                                    int32_t* out_offsets);

}  // namespace

void thread_code(std::vector<uint32_t>& code, std::span<const uint32_t> op_starts) {
  static const std::array<int32_t, kIrOpCount> offsets = [] {
    std::array<int32_t, kIrOpCount> o{};
    (void)run(nullptr, nullptr, nullptr, o.data());
    return o;
  }();
  for (uint32_t at : op_starts) {
    const uint32_t op = code[at];
    code[at] = static_cast<uint32_t>(offsets[op < kIrOpCount ? op : 0]);
  }
}

Outcome<void> execute(Store& store, FuncInst* entry, uint64_t* entry_fp) {
  // Host functions that call back into Wasm nest native frames; bound that
  // nesting well below what the native stack can take.
  ExecState& ex = store.exec();
  if (ex.native_depth >= kMaxNativeNesting) return Failure::trap_of(TrapKind::CallStackExhausted);
  ++ex.native_depth;
  Outcome<void> r = run(&store, entry, entry_fp, nullptr);
  --ex.native_depth;
  return r;
}

namespace {

Outcome<void> run(Store* store_ptr, FuncInst* entry, uint64_t* entry_fp, int32_t* out_offsets) {
  // Dispatch table in IrOp order, built at compile time: every IrOp has a
  // label below (operations the compiler never emits share the invalid-operation handler), so
  // a missing handler is a build error, not a runtime surprise.
  static const void* const table[kIrOpCount] = {
#define WASM_OPCODE(res, t1, t2, t3, mem, prefix, code, name, text, imm) &&L_##name,
#include "wasm/opcodes.def"
#define CLOISTER_IR_LABEL(name) &&L_##name,
      CLOISTER_IR_EXTRA_OPS(CLOISTER_IR_LABEL)
#undef CLOISTER_IR_LABEL
#define CLOISTER_IR_LABEL(name) &&L_##name##Imm,
          CLOISTER_IR_IMM_OPS(CLOISTER_IR_LABEL)
#undef CLOISTER_IR_LABEL
#define CLOISTER_IR_LABEL(name) &&L_BrIf##name, &&L_BrIf##name##Imm,
              CLOISTER_IR_BRANCH_CMP_OPS(CLOISTER_IR_LABEL)
#undef CLOISTER_IR_LABEL
  };
  // Handlers are reached by offset from one base label ("direct threading":
  // the code holds handler offsets, not operation numbers; see thread_code).
  const char* const dispatch_base = static_cast<const char*>(&&L_Unreachable);
  if (out_offsets != nullptr) {
    for (size_t i = 0; i < kIrOpCount; ++i) {
      out_offsets[i] = static_cast<int32_t>(static_cast<const char*>(table[i]) - dispatch_base);
    }
    return {};
  }
  Store& store = *store_ptr;
  ExecState& ex = store.exec();
  if (entry->host_) {
    uint64_t* saved_top = ex.top;
    ex.top = entry_fp + std::max(entry->type().params.size(), entry->type().results.size());
    Outcome<void> r = call_host(store, entry, entry_fp, nullptr);
    ex.top = saved_top;
    return r;
  }

  ex.ensure_stack();
  uint64_t* const saved_top = ex.top;
  uint64_t* const stack_end = ex.stack_end;
  CallRecord* const saved_frame_top = ex.frame_top;
  CallRecord* const frames_end = ex.frames_end;
  CallRecord* ftop = ex.frame_top;
  int64_t fuel = ex.fuel;

  FuncInst* cur = entry;
  uint64_t* fp = entry_fp;
  const uint32_t* code = nullptr;
  const uint32_t* pc = nullptr;
  Instance* inst = nullptr;
  FuncInst* const* funcs = nullptr;
  GlobalInst* const* globals = nullptr;
  MemoryInst* memory0 = nullptr;
  uint8_t* mem = nullptr;
  uint64_t mem_size = 0;
  TrapKind trap = TrapKind::None;
  uint32_t trap_element = 0;  // the table index, for "uninitialized element N"
  Failure host_failure;

  // Call state shared by Call/CallIndirect and the entry.
  FuncInst* callee = entry;
  uint64_t* nfp = entry_fp;
  const uint32_t* ret_pc = nullptr;

#define RELOAD_MEMORY()          \
  do {                           \
    if (memory0 != nullptr) {    \
      mem = memory0->data_;      \
      mem_size = memory0->size_; \
    }                            \
  } while (0)
#define ENTER_INSTANCE(i)                                             \
  do {                                                                \
    inst = (i);                                                       \
    funcs = inst->funcs_.data();                                      \
    globals = inst->globals_.data();                                  \
    memory0 = inst->memories_.empty() ? nullptr : inst->memories_[0]; \
    mem = nullptr;                                                    \
    mem_size = 0;                                                     \
    RELOAD_MEMORY();                                                  \
  } while (0)
#define NEXT() goto*(dispatch_base + static_cast<int32_t>(*pc))
#define TRAP(kind) \
  do {             \
    trap = (kind); \
    goto trapped;  \
  } while (0)
#define SLOT(n) fp[pc[n]]
#define U32(n) static_cast<uint32_t>(fp[pc[n]])
#define S32(n) static_cast<int32_t>(static_cast<uint32_t>(fp[pc[n]]))
#define U64(n) (fp[pc[n]])
#define S64(n) static_cast<int64_t>(fp[pc[n]])
#define F32(n) std::bit_cast<float>(static_cast<uint32_t>(fp[pc[n]]))
#define F64(n) std::bit_cast<double>(fp[pc[n]])
#define SET_U32(v) fp[pc[1]] = static_cast<uint32_t>(v)
#define SET_U64(v) fp[pc[1]] = static_cast<uint64_t>(v)
#define SET_F32(v) fp[pc[1]] = std::bit_cast<uint32_t>(static_cast<float>(v))
#define SET_F64(v) fp[pc[1]] = std::bit_cast<uint64_t>(static_cast<double>(v))

  ret_pc = nullptr;
  goto do_call_wasm;

  // --- control ---
L_Unreachable:
  TRAP(TrapKind::Unreachable);
L_Br:
  pc = code + pc[1];
  NEXT();
L_BrIf:
  if (U32(1) != 0) {
    pc = code + pc[2];
  } else {
    pc += 3;
  }
  NEXT();
L_BrIfNot:
  if (U32(1) == 0) {
    pc = code + pc[2];
  } else {
    pc += 3;
  }
  NEXT();
L_BrTable : {
  uint32_t i = U32(1);
  const uint32_t n = pc[2];
  if (i > n) i = n;
  pc = code + pc[3 + i];
  NEXT();
}
L_Return1:
  fp[0] = SLOT(1);
  goto do_return;
L_Return : {
  const uint32_t src = pc[1];
  const uint32_t m = pc[2];
  if (src != 0) {
    for (uint32_t i = 0; i < m; ++i) fp[i] = fp[src + i];
  }
  goto do_return;
}
do_return : {
  const CallRecord& r = *--ftop;
  if (r.return_pc == nullptr) goto done;  // the entry function returned
  pc = r.return_pc;
  fp = r.fp;
  cur = r.func;
  code = r.code;
  // Within one instance the memory cache is already current: every
  // instruction that can grow memory (memory.grow, host calls, entering
  // another instance) refreshes the cache this whole run() shares.
  if (cur->instance_ != inst) ENTER_INSTANCE(cur->instance_);
  NEXT();
}
L_Call:
  callee = funcs[pc[1]];
  nfp = fp + pc[2];
  ret_pc = pc + 3;
  goto do_call;
L_CallInternal : {
  // Same instance, never a host function.
  FuncInst* const f = funcs[pc[1]];
  const CompiledFunction* c = f->code_;
  uint64_t* const new_fp = fp + pc[2];
  if (ftop == frames_end) TRAP(TrapKind::CallStackExhausted);
  if (static_cast<size_t>(stack_end - new_fp) < c->frame_slots) {
    TRAP(TrapKind::CallStackExhausted);
  }
  if (fuel < static_cast<int64_t>(c->entry_fuel)) TRAP(TrapKind::OutOfFuel);
  fuel -= c->entry_fuel;
  *ftop++ = CallRecord{pc + 3, fp, cur, code};
  for (uint32_t i = c->num_params; i < c->num_locals; ++i) new_fp[i] = 0;
  fp = new_fp;
  cur = f;
  code = c->code.data();
  pc = code;
  NEXT();
}
L_CallIndirect : {
  const TableInst* t = inst->tables_[pc[2]];
  const uint32_t i = U32(3);
  if (i >= t->elems_.size()) TRAP(TrapKind::UndefinedElement);
  const uint64_t ref = t->elems_[i];
  if (ref == 0) {
    trap_element = i;
    TRAP(TrapKind::UninitializedElement);
  }
  callee = reinterpret_cast<FuncInst*>(static_cast<uintptr_t>(ref));
  if (callee->type_id_ != inst->type_ids_[pc[1]]) TRAP(TrapKind::IndirectCallTypeMismatch);
  nfp = fp + pc[4];
  ret_pc = pc + 5;
  goto do_call;
}
do_call:
  if (callee->host_) {
    // A host function may call back into Wasm: it continues above us.
    ex.top = fp + cur->code_->frame_slots;
    ex.frame_top = ftop;
    ex.fuel = fuel;
    const bool host_ok = call_host_into(store, callee, nfp, inst, &host_failure);
    fuel = ex.fuel;
    ex.top = saved_top;
    if (!host_ok) goto host_failed;
    RELOAD_MEMORY();
    pc = ret_pc;
    NEXT();
  }
do_call_wasm : {
  const CompiledFunction* c = callee->code_;
  if (ftop == frames_end) TRAP(TrapKind::CallStackExhausted);
  if (static_cast<size_t>(stack_end - nfp) < c->frame_slots) TRAP(TrapKind::CallStackExhausted);
  if (fuel < static_cast<int64_t>(c->entry_fuel)) TRAP(TrapKind::OutOfFuel);
  fuel -= c->entry_fuel;
  *ftop++ = CallRecord{ret_pc, fp, cur, code};
  // Declared locals start at zero (most functions have few: no memset call).
  for (uint32_t i = c->num_params; i < c->num_locals; ++i) nfp[i] = 0;
  fp = nfp;
  cur = callee;
  code = c->code.data();
  pc = code;
  if (cur->instance_ != inst) ENTER_INSTANCE(cur->instance_);
  NEXT();
}
L_Select:
  SLOT(1) = U32(4) != 0 ? SLOT(2) : SLOT(3);
  pc += 5;
  NEXT();
L_Copy:
  SLOT(1) = SLOT(2);
  pc += 3;
  NEXT();
L_Const32:
  SLOT(1) = pc[2];
  pc += 3;
  NEXT();
L_Const64:
  SLOT(1) = uint64_t{pc[2]} | (uint64_t{pc[3]} << 32);
  pc += 4;
  NEXT();
L_Fuel:
  if (fuel < static_cast<int64_t>(pc[1])) TRAP(TrapKind::OutOfFuel);
  fuel -= pc[1];
  pc += 2;
  NEXT();
L_GlobalGet:
  SLOT(1) = globals[pc[2]]->bits_;
  pc += 3;
  NEXT();
L_GlobalSet:
  globals[pc[2]]->bits_ = SLOT(1);
  pc += 3;
  NEXT();

  // --- references and tables ---
L_RefIsNull:
  SET_U32(SLOT(2) == 0 ? 1 : 0);
  pc += 3;
  NEXT();
L_RefFunc:
  SLOT(1) = reinterpret_cast<uintptr_t>(funcs[pc[2]]);
  pc += 3;
  NEXT();
L_TableGet : {
  const TableInst* t = inst->tables_[pc[3]];
  const uint32_t i = U32(2);
  if (i >= t->elems_.size()) TRAP(TrapKind::OutOfBoundsTableAccess);
  SLOT(1) = t->elems_[i];
  pc += 4;
  NEXT();
}
L_TableSet : {
  TableInst* t = inst->tables_[pc[3]];
  const uint32_t i = U32(1);
  if (i >= t->elems_.size()) TRAP(TrapKind::OutOfBoundsTableAccess);
  t->elems_[i] = SLOT(2);
  pc += 4;
  NEXT();
}
L_TableSize:
  SET_U32(inst->tables_[pc[2]]->elems_.size());
  pc += 3;
  NEXT();
L_TableGrow : {
  TableInst* t = inst->tables_[pc[4]];
  const auto old = t->grow(U32(3), Value::from_raw(t->type_.elem, SLOT(2)));
  SET_U32(old ? *old : 0xffffffffu);
  pc += 5;
  NEXT();
}
L_TableFill : {
  TableInst* t = inst->tables_[pc[4]];
  const uint64_t i = U32(1), n = U32(3);
  if (i + n > t->elems_.size()) TRAP(TrapKind::OutOfBoundsTableAccess);
  std::fill_n(t->elems_.begin() + static_cast<ptrdiff_t>(i), n, SLOT(2));
  pc += 5;
  NEXT();
}
L_TableCopy : {
  TableInst* dst = inst->tables_[pc[4]];
  const TableInst* src = inst->tables_[pc[5]];
  const uint64_t d = U32(1), s = U32(2), n = U32(3);
  if (s + n > src->elems_.size() || d + n > dst->elems_.size()) {
    TRAP(TrapKind::OutOfBoundsTableAccess);
  }
  if (n != 0) std::memmove(dst->elems_.data() + d, src->elems_.data() + s, n * sizeof(uint64_t));
  pc += 6;
  NEXT();
}
L_TableInit : {
  TableInst* t = inst->tables_[pc[4]];
  const std::vector<uint64_t>& seg = inst->elems_[pc[5]];
  const uint64_t d = U32(1), s = U32(2), n = U32(3);
  if (s + n > seg.size() || d + n > t->elems_.size()) TRAP(TrapKind::OutOfBoundsTableAccess);
  if (n != 0) std::memcpy(t->elems_.data() + d, seg.data() + s, n * sizeof(uint64_t));
  pc += 6;
  NEXT();
}
L_ElemDrop:
  inst->elems_[pc[1]] = std::vector<uint64_t>();
  pc += 2;
  NEXT();

  // --- memory ---
L_MemorySize:
  SET_U32(memory0->pages_);
  pc += 2;
  NEXT();
L_MemoryGrow : {
  const auto old = memory0->grow(U32(2));
  SET_U32(old ? *old : 0xffffffffu);
  RELOAD_MEMORY();
  pc += 3;
  NEXT();
}
L_MemoryFill : {
  const uint64_t d = U32(1), n = U32(3);
  if (d + n > mem_size) TRAP(TrapKind::OutOfBoundsMemoryAccess);
  if (n != 0) std::memset(mem + d, static_cast<int>(U32(2) & 0xff), n);
  pc += 4;
  NEXT();
}
L_MemoryCopy : {
  const uint64_t d = U32(1), s = U32(2), n = U32(3);
  if (s + n > mem_size || d + n > mem_size) TRAP(TrapKind::OutOfBoundsMemoryAccess);
  if (n != 0) std::memmove(mem + d, mem + s, n);
  pc += 4;
  NEXT();
}
L_MemoryInit : {
  const std::span<const uint8_t> seg = inst->datas_[pc[4]];
  const uint64_t d = U32(1), s = U32(2), n = U32(3);
  if (s + n > seg.size() || d + n > mem_size) TRAP(TrapKind::OutOfBoundsMemoryAccess);
  if (n != 0) std::memcpy(mem + d, seg.data() + s, n);
  pc += 5;
  NEXT();
}
L_DataDrop:
  inst->datas_[pc[1]] = {};
  pc += 2;
  NEXT();

#define LOAD(name, T, SET)                                                  \
  L_##name : {                                                              \
    const uint64_t ea = uint64_t{U32(2)} + pc[3];                           \
    if (ea + sizeof(T) > mem_size) TRAP(TrapKind::OutOfBoundsMemoryAccess); \
    T v;                                                                    \
    std::memcpy(&v, mem + ea, sizeof(T));                                   \
    SET;                                                                    \
    pc += 4;                                                                \
    NEXT();                                                                 \
  }
  LOAD(I32Load, uint32_t, SET_U32(v))
  LOAD(I64Load, uint64_t, SET_U64(v))
  LOAD(F32Load, uint32_t, SET_U32(v))
  LOAD(F64Load, uint64_t, SET_U64(v))
  LOAD(I32Load8S, int8_t, SET_U32(static_cast<int32_t>(v)))
  LOAD(I32Load8U, uint8_t, SET_U32(v))
  LOAD(I32Load16S, int16_t, SET_U32(static_cast<int32_t>(v)))
  LOAD(I32Load16U, uint16_t, SET_U32(v))
  LOAD(I64Load8S, int8_t, SET_U64(static_cast<int64_t>(v)))
  LOAD(I64Load8U, uint8_t, SET_U64(v))
  LOAD(I64Load16S, int16_t, SET_U64(static_cast<int64_t>(v)))
  LOAD(I64Load16U, uint16_t, SET_U64(v))
  LOAD(I64Load32S, int32_t, SET_U64(static_cast<int64_t>(v)))
  LOAD(I64Load32U, uint32_t, SET_U64(v))
#undef LOAD

#define STORE(name, T)                                                      \
  L_##name : {                                                              \
    const uint64_t ea = uint64_t{U32(1)} + pc[3];                           \
    if (ea + sizeof(T) > mem_size) TRAP(TrapKind::OutOfBoundsMemoryAccess); \
    const T v = static_cast<T>(SLOT(2));                                    \
    std::memcpy(mem + ea, &v, sizeof(T));                                   \
    pc += 4;                                                                \
    NEXT();                                                                 \
  }
  STORE(I32Store, uint32_t)
  STORE(I64Store, uint64_t)
  STORE(F32Store, uint32_t)
  STORE(F64Store, uint64_t)
  STORE(I32Store8, uint8_t)
  STORE(I32Store16, uint16_t)
  STORE(I64Store8, uint8_t)
  STORE(I64Store16, uint16_t)
  STORE(I64Store32, uint32_t)
#undef STORE

  // --- numeric ---
#define UNOP(name, expr) \
  L_##name : {           \
    expr;                \
    pc += 3;             \
    NEXT();              \
  }
#define BINOP(name, expr) \
  L_##name : {            \
    expr;                 \
    pc += 4;              \
    NEXT();               \
  }
  UNOP(I32Eqz, SET_U32(U32(2) == 0))
  BINOP(I32Eq, SET_U32(U32(2) == U32(3)))
  BINOP(I32Ne, SET_U32(U32(2) != U32(3)))
  BINOP(I32LtS, SET_U32(S32(2) < S32(3)))
  BINOP(I32LtU, SET_U32(U32(2) < U32(3)))
  BINOP(I32GtS, SET_U32(S32(2) > S32(3)))
  BINOP(I32GtU, SET_U32(U32(2) > U32(3)))
  BINOP(I32LeS, SET_U32(S32(2) <= S32(3)))
  BINOP(I32LeU, SET_U32(U32(2) <= U32(3)))
  BINOP(I32GeS, SET_U32(S32(2) >= S32(3)))
  BINOP(I32GeU, SET_U32(U32(2) >= U32(3)))
  UNOP(I64Eqz, SET_U32(U64(2) == 0))
  BINOP(I64Eq, SET_U32(U64(2) == U64(3)))
  BINOP(I64Ne, SET_U32(U64(2) != U64(3)))
  BINOP(I64LtS, SET_U32(S64(2) < S64(3)))
  BINOP(I64LtU, SET_U32(U64(2) < U64(3)))
  BINOP(I64GtS, SET_U32(S64(2) > S64(3)))
  BINOP(I64GtU, SET_U32(U64(2) > U64(3)))
  BINOP(I64LeS, SET_U32(S64(2) <= S64(3)))
  BINOP(I64LeU, SET_U32(U64(2) <= U64(3)))
  BINOP(I64GeS, SET_U32(S64(2) >= S64(3)))
  BINOP(I64GeU, SET_U32(U64(2) >= U64(3)))
  BINOP(F32Eq, SET_U32(F32(2) == F32(3)))
  BINOP(F32Ne, SET_U32(F32(2) != F32(3)))
  BINOP(F32Lt, SET_U32(F32(2) < F32(3)))
  BINOP(F32Gt, SET_U32(F32(2) > F32(3)))
  BINOP(F32Le, SET_U32(F32(2) <= F32(3)))
  BINOP(F32Ge, SET_U32(F32(2) >= F32(3)))
  BINOP(F64Eq, SET_U32(F64(2) == F64(3)))
  BINOP(F64Ne, SET_U32(F64(2) != F64(3)))
  BINOP(F64Lt, SET_U32(F64(2) < F64(3)))
  BINOP(F64Gt, SET_U32(F64(2) > F64(3)))
  BINOP(F64Le, SET_U32(F64(2) <= F64(3)))
  BINOP(F64Ge, SET_U32(F64(2) >= F64(3)))

  UNOP(I32Clz, SET_U32(std::countl_zero(U32(2))))
  UNOP(I32Ctz, SET_U32(std::countr_zero(U32(2))))
  UNOP(I32Popcnt, SET_U32(std::popcount(U32(2))))
  BINOP(I32Add, SET_U32(U32(2) + U32(3)))
  BINOP(I32Sub, SET_U32(U32(2) - U32(3)))
  BINOP(I32Mul, SET_U32(U32(2) * U32(3)))
L_I32DivS : {
  const int32_t a = S32(2), b = S32(3);
  if (b == 0) TRAP(TrapKind::IntegerDivideByZero);
  if (a == INT32_MIN && b == -1) TRAP(TrapKind::IntegerOverflow);
  SET_U32(a / b);
  pc += 4;
  NEXT();
}
L_I32DivU : {
  const uint32_t a = U32(2), b = U32(3);
  if (b == 0) TRAP(TrapKind::IntegerDivideByZero);
  SET_U32(a / b);
  pc += 4;
  NEXT();
}
L_I32RemS : {
  const int32_t a = S32(2), b = S32(3);
  if (b == 0) TRAP(TrapKind::IntegerDivideByZero);
  SET_U32(b == -1 ? 0 : a % b);
  pc += 4;
  NEXT();
}
L_I32RemU : {
  const uint32_t a = U32(2), b = U32(3);
  if (b == 0) TRAP(TrapKind::IntegerDivideByZero);
  SET_U32(a % b);
  pc += 4;
  NEXT();
}
  BINOP(I32And, SET_U32(U32(2) & U32(3)))
  BINOP(I32Or, SET_U32(U32(2) | U32(3)))
  BINOP(I32Xor, SET_U32(U32(2) ^ U32(3)))
  BINOP(I32Shl, SET_U32(U32(2) << (U32(3) & 31)))
  BINOP(I32ShrS, SET_U32(S32(2) >> (U32(3) & 31)))
  BINOP(I32ShrU, SET_U32(U32(2) >> (U32(3) & 31)))
  BINOP(I32Rotl, SET_U32(std::rotl(U32(2), static_cast<int>(U32(3) & 31))))
  BINOP(I32Rotr, SET_U32(std::rotr(U32(2), static_cast<int>(U32(3) & 31))))

  UNOP(I64Clz, SET_U64(std::countl_zero(U64(2))))
  UNOP(I64Ctz, SET_U64(std::countr_zero(U64(2))))
  UNOP(I64Popcnt, SET_U64(std::popcount(U64(2))))
  BINOP(I64Add, SET_U64(U64(2) + U64(3)))
  BINOP(I64Sub, SET_U64(U64(2) - U64(3)))
  BINOP(I64Mul, SET_U64(U64(2) * U64(3)))
L_I64DivS : {
  const int64_t a = S64(2), b = S64(3);
  if (b == 0) TRAP(TrapKind::IntegerDivideByZero);
  if (a == INT64_MIN && b == -1) TRAP(TrapKind::IntegerOverflow);
  SET_U64(a / b);
  pc += 4;
  NEXT();
}
L_I64DivU : {
  const uint64_t a = U64(2), b = U64(3);
  if (b == 0) TRAP(TrapKind::IntegerDivideByZero);
  SET_U64(a / b);
  pc += 4;
  NEXT();
}
L_I64RemS : {
  const int64_t a = S64(2), b = S64(3);
  if (b == 0) TRAP(TrapKind::IntegerDivideByZero);
  SET_U64(b == -1 ? 0 : a % b);
  pc += 4;
  NEXT();
}
L_I64RemU : {
  const uint64_t a = U64(2), b = U64(3);
  if (b == 0) TRAP(TrapKind::IntegerDivideByZero);
  SET_U64(a % b);
  pc += 4;
  NEXT();
}
  BINOP(I64And, SET_U64(U64(2) & U64(3)))
  BINOP(I64Or, SET_U64(U64(2) | U64(3)))
  BINOP(I64Xor, SET_U64(U64(2) ^ U64(3)))
  BINOP(I64Shl, SET_U64(U64(2) << (U64(3) & 63)))
  BINOP(I64ShrS, SET_U64(S64(2) >> (U64(3) & 63)))
  BINOP(I64ShrU, SET_U64(U64(2) >> (U64(3) & 63)))
  BINOP(I64Rotl, SET_U64(std::rotl(U64(2), static_cast<int>(U64(3) & 63))))
  BINOP(I64Rotr, SET_U64(std::rotr(U64(2), static_cast<int>(U64(3) & 63))))

  UNOP(F32Abs, SET_F32(numeric::fabs_bits(F32(2))))
  UNOP(F32Neg, SET_F32(numeric::fneg_bits(F32(2))))
  UNOP(F32Ceil, SET_F32(numeric::fceil(F32(2))))
  UNOP(F32Floor, SET_F32(numeric::ffloor(F32(2))))
  UNOP(F32Trunc, SET_F32(numeric::ftrunc(F32(2))))
  UNOP(F32Nearest, SET_F32(numeric::fnearest(F32(2))))
  UNOP(F32Sqrt, SET_F32(std::sqrt(F32(2))))
  BINOP(F32Add, SET_F32(F32(2) + F32(3)))
  BINOP(F32Sub, SET_F32(F32(2) - F32(3)))
  BINOP(F32Mul, SET_F32(F32(2) * F32(3)))
  BINOP(F32Div, SET_F32(F32(2) / F32(3)))
  BINOP(F32Min, SET_F32(numeric::fmin(F32(2), F32(3))))
  BINOP(F32Max, SET_F32(numeric::fmax(F32(2), F32(3))))
  BINOP(F32Copysign, SET_F32(numeric::fcopysign_bits(F32(2), F32(3))))
  UNOP(F64Abs, SET_F64(numeric::fabs_bits(F64(2))))
  UNOP(F64Neg, SET_F64(numeric::fneg_bits(F64(2))))
  UNOP(F64Ceil, SET_F64(numeric::fceil(F64(2))))
  UNOP(F64Floor, SET_F64(numeric::ffloor(F64(2))))
  UNOP(F64Trunc, SET_F64(numeric::ftrunc(F64(2))))
  UNOP(F64Nearest, SET_F64(numeric::fnearest(F64(2))))
  UNOP(F64Sqrt, SET_F64(std::sqrt(F64(2))))
  BINOP(F64Add, SET_F64(F64(2) + F64(3)))
  BINOP(F64Sub, SET_F64(F64(2) - F64(3)))
  BINOP(F64Mul, SET_F64(F64(2) * F64(3)))
  BINOP(F64Div, SET_F64(F64(2) / F64(3)))
  BINOP(F64Min, SET_F64(numeric::fmin(F64(2), F64(3))))
  BINOP(F64Max, SET_F64(numeric::fmax(F64(2), F64(3))))
  BINOP(F64Copysign, SET_F64(numeric::fcopysign_bits(F64(2), F64(3))))

  UNOP(I32WrapI64, SET_U32(U64(2)))
#define TRUNC(name, I, SRC, SET)                     \
  L_##name : {                                       \
    I v = 0;                                         \
    switch (numeric::trunc_checked<I>(SRC(2), &v)) { \
      case numeric::TruncStatus::NaN:                \
        TRAP(TrapKind::InvalidConversionToInteger);  \
      case numeric::TruncStatus::Overflow:           \
        TRAP(TrapKind::IntegerOverflow);             \
      case numeric::TruncStatus::Ok:                 \
        break;                                       \
    }                                                \
    SET(v);                                          \
    pc += 3;                                         \
    NEXT();                                          \
  }
  TRUNC(I32TruncF32S, int32_t, F32, SET_U32)
  TRUNC(I32TruncF32U, uint32_t, F32, SET_U32)
  TRUNC(I32TruncF64S, int32_t, F64, SET_U32)
  TRUNC(I32TruncF64U, uint32_t, F64, SET_U32)
  TRUNC(I64TruncF32S, int64_t, F32, SET_U64)
  TRUNC(I64TruncF32U, uint64_t, F32, SET_U64)
  TRUNC(I64TruncF64S, int64_t, F64, SET_U64)
  TRUNC(I64TruncF64U, uint64_t, F64, SET_U64)
#undef TRUNC
  UNOP(I32TruncSatF32S, SET_U32(numeric::trunc_sat<int32_t>(F32(2))))
  UNOP(I32TruncSatF32U, SET_U32(numeric::trunc_sat<uint32_t>(F32(2))))
  UNOP(I32TruncSatF64S, SET_U32(numeric::trunc_sat<int32_t>(F64(2))))
  UNOP(I32TruncSatF64U, SET_U32(numeric::trunc_sat<uint32_t>(F64(2))))
  UNOP(I64TruncSatF32S, SET_U64(numeric::trunc_sat<int64_t>(F32(2))))
  UNOP(I64TruncSatF32U, SET_U64(numeric::trunc_sat<uint64_t>(F32(2))))
  UNOP(I64TruncSatF64S, SET_U64(numeric::trunc_sat<int64_t>(F64(2))))
  UNOP(I64TruncSatF64U, SET_U64(numeric::trunc_sat<uint64_t>(F64(2))))
  UNOP(I64ExtendI32S, SET_U64(static_cast<int64_t>(S32(2))))
  UNOP(I64ExtendI32U, SET_U64(U32(2)))
  UNOP(F32ConvertI32S, SET_F32(static_cast<float>(S32(2))))
  UNOP(F32ConvertI32U, SET_F32(static_cast<float>(U32(2))))
  UNOP(F32ConvertI64S, SET_F32(static_cast<float>(S64(2))))
  UNOP(F32ConvertI64U, SET_F32(static_cast<float>(U64(2))))
  UNOP(F32DemoteF64, SET_F32(static_cast<float>(F64(2))))
  UNOP(F64ConvertI32S, SET_F64(static_cast<double>(S32(2))))
  UNOP(F64ConvertI32U, SET_F64(static_cast<double>(U32(2))))
  UNOP(F64ConvertI64S, SET_F64(static_cast<double>(S64(2))))
  UNOP(F64ConvertI64U, SET_F64(static_cast<double>(U64(2))))
  UNOP(F64PromoteF32, SET_F64(static_cast<double>(F32(2))))
  UNOP(I32ReinterpretF32, SET_U32(U32(2)))
  UNOP(I64ReinterpretF64, SET_U64(U64(2)))
  UNOP(F32ReinterpretI32, SET_U32(U32(2)))
  UNOP(F64ReinterpretI64, SET_U64(U64(2)))
  UNOP(I32Extend8S, SET_U32(static_cast<int32_t>(static_cast<int8_t>(U32(2)))))
  UNOP(I32Extend16S, SET_U32(static_cast<int32_t>(static_cast<int16_t>(U32(2)))))
  UNOP(I64Extend8S, SET_U64(static_cast<int64_t>(static_cast<int8_t>(U64(2)))))
  UNOP(I64Extend16S, SET_U64(static_cast<int64_t>(static_cast<int16_t>(U64(2)))))
  UNOP(I64Extend32S, SET_U64(static_cast<int64_t>(static_cast<int32_t>(U64(2)))))
#undef UNOP
#undef BINOP

  // --- binary operations with a constant operand, fused compare+branch ---
#define IMM_I32(name, expr)    \
  L_##name##Imm : {            \
    const uint32_t a = U32(2); \
    const uint32_t b = pc[3];  \
    SET_U32(expr);             \
    pc += 4;                   \
    NEXT();                    \
  }
#define IMM_I64(name, SET, expr)                                                                 \
  L_##name##Imm : {                                                                              \
    const uint64_t a = U64(2);                                                                   \
    const uint64_t b = static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(pc[3]))); \
    SET(expr);                                                                                   \
    pc += 4;                                                                                     \
    NEXT();                                                                                      \
  }
#define SI32(x) static_cast<int32_t>(x)
#define SI64(x) static_cast<int64_t>(x)
  IMM_I32(I32Add, a + b)
  IMM_I32(I32Sub, a - b)
  IMM_I32(I32Mul, a * b)
  IMM_I32(I32And, a & b)
  IMM_I32(I32Or, a | b)
  IMM_I32(I32Xor, a ^ b)
  IMM_I32(I32Shl, a << (b & 31))
  IMM_I32(I32ShrS, SI32(a) >> (b & 31))
  IMM_I32(I32ShrU, a >> (b & 31))
  IMM_I32(I32Eq, a == b)
  IMM_I32(I32Ne, a != b)
  IMM_I32(I32LtS, SI32(a) < SI32(b))
  IMM_I32(I32LtU, a < b)
  IMM_I32(I32GtS, SI32(a) > SI32(b))
  IMM_I32(I32GtU, a > b)
  IMM_I32(I32LeS, SI32(a) <= SI32(b))
  IMM_I32(I32LeU, a <= b)
  IMM_I32(I32GeS, SI32(a) >= SI32(b))
  IMM_I32(I32GeU, a >= b)
  IMM_I64(I64Add, SET_U64, a + b)
  IMM_I64(I64Sub, SET_U64, a - b)
  IMM_I64(I64Mul, SET_U64, a * b)
  IMM_I64(I64And, SET_U64, a & b)
  IMM_I64(I64Or, SET_U64, a | b)
  IMM_I64(I64Xor, SET_U64, a ^ b)
  IMM_I64(I64Shl, SET_U64, a << (b & 63))
  IMM_I64(I64ShrS, SET_U64, SI64(a) >> (b & 63))
  IMM_I64(I64ShrU, SET_U64, a >> (b & 63))
  IMM_I64(I64Eq, SET_U32, a == b)
  IMM_I64(I64Ne, SET_U32, a != b)
  IMM_I64(I64LtS, SET_U32, SI64(a) < SI64(b))
  IMM_I64(I64LtU, SET_U32, a < b)
  IMM_I64(I64GtS, SET_U32, SI64(a) > SI64(b))
  IMM_I64(I64GtU, SET_U32, a > b)
  IMM_I64(I64LeS, SET_U32, SI64(a) <= SI64(b))
  IMM_I64(I64LeU, SET_U32, a <= b)
  IMM_I64(I64GeS, SET_U32, SI64(a) >= SI64(b))
  IMM_I64(I64GeU, SET_U32, a >= b)
#undef IMM_I32
#undef IMM_I64

#define BR_CMP(name, cond)     \
  L_BrIf##name : {             \
    const uint32_t a = U32(1); \
    const uint32_t b = U32(2); \
    if (cond) {                \
      pc = code + pc[3];       \
    } else {                   \
      pc += 4;                 \
    }                          \
    NEXT();                    \
  }                            \
  L_BrIf##name##Imm : {        \
    const uint32_t a = U32(1); \
    const uint32_t b = pc[2];  \
    if (cond) {                \
      pc = code + pc[3];       \
    } else {                   \
      pc += 4;                 \
    }                          \
    NEXT();                    \
  }
  BR_CMP(I32Eq, a == b)
  BR_CMP(I32Ne, a != b)
  BR_CMP(I32LtS, SI32(a) < SI32(b))
  BR_CMP(I32LtU, a < b)
  BR_CMP(I32GtS, SI32(a) > SI32(b))
  BR_CMP(I32GtU, a > b)
  BR_CMP(I32LeS, SI32(a) <= SI32(b))
  BR_CMP(I32LeU, a <= b)
  BR_CMP(I32GeS, SI32(a) >= SI32(b))
  BR_CMP(I32GeU, a >= b)
#undef BR_CMP
#undef SI32
#undef SI64

  // Wasm instructions the compiler lowers to other operations.
L_Nop:
L_Block:
L_Loop:
L_If:
L_Else:
L_End:
L_Drop:
L_SelectT:
L_LocalGet:
L_LocalSet:
L_LocalTee:
L_I32Const:
L_I64Const:
L_F32Const:
L_F64Const:
L_RefNull:

  // Only reachable if the compiler emitted an operation without a handler.
  host_failure = invalid_operation(pc != nullptr ? *pc : 0);
  goto host_failed;

trapped : {
  Failure f = trap_failure(trap, cur, pc, trap_element);
  ex.frame_top = saved_frame_top;
  ex.fuel = fuel;
  ex.top = saved_top;
  return f;
}
host_failed:
  if (host_failure.kind == FailureKind::Trap && !host_failure.func_index) {
    Failure located = located_trap(TrapKind::Host, cur, pc);
    host_failure.func_index = located.func_index;
    host_failure.func_name = located.func_name;
    host_failure.offset = located.offset;
  }
  ex.frame_top = saved_frame_top;
  ex.fuel = fuel;
  ex.top = saved_top;
  return host_failure;
done:
  ex.frame_top = saved_frame_top;
  ex.fuel = fuel;
  ex.top = saved_top;
  return {};

#undef RELOAD_MEMORY
#undef ENTER_INSTANCE
#undef NEXT
#undef TRAP
#undef SLOT
#undef U32
#undef S32
#undef U64
#undef S64
#undef F32
#undef F64
#undef SET_U32
#undef SET_U64
#undef SET_F32
#undef SET_F64
}

}  // namespace

}  // namespace cloister::wasm
