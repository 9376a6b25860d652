// SPDX-License-Identifier: Apache-2.0
//
// The interpreter's internal form (see docs/engine.md). A function body is
// compiled once into a flat array of 32-bit words: an operation code followed
// by its operands. Operands name *slots* of the frame: the frame is an array
// of 64-bit slots holding the parameters, then the declared locals, then the
// Wasm operand stack, whose height at every instruction is known when
// compiling, so every operand has a fixed slot number. Branch targets are
// absolute word positions, resolved at compile time. Running code never
// looks at the Wasm bytes again. The last compile step replaces each
// operation code by its handler's offset (interpreter.h, thread_code), so
// the code of a finished CompiledFunction holds offsets, not IrOp values.
//
// Operand layouts (d = destination slot, a/b/c = source slots):
//   unary numeric op       : op d a
//   binary numeric op      : op d a b
//   load                   : op d addr offset
//   store                  : op addr value offset
//   Copy                   : Copy d a
//   Const32 / Const64      : Const32 d imm  /  Const64 d lo hi
//   Br                     : Br target
//   BrIf / BrIfNot         : BrIf cond target
//   BrTable                : BrTable index count target_0 .. target_count (the last is the default)
//   Return                 : Return first_result_slot result_count
//   Return1                : Return1 result_slot     (the common single-result case)
//   Call                   : Call func_index base        (args at base.., results written at
//   base..) CallIndirect           : CallIndirect type_index table_index index_slot base Select :
//   Select d a b cond GlobalGet / GlobalSet  : GlobalGet d global  /  GlobalSet a global TableGet
//   : TableGet d index_slot table TableSet               : TableSet index_slot value_slot table
//   TableSize              : TableSize d table
//   TableGrow              : TableGrow d init_slot delta_slot table
//   TableFill              : TableFill dest_slot value_slot count_slot table
//   TableCopy              : TableCopy d s n dst_table src_table
//   TableInit              : TableInit d s n table elem
//   ElemDrop / DataDrop    : ElemDrop elem  /  DataDrop data
//   MemorySize / MemoryGrow: MemorySize d  /  MemoryGrow d delta_slot
//   MemoryFill / MemoryCopy: MemoryFill d value n  /  MemoryCopy d s n
//   MemoryInit             : MemoryInit d s n data
//   RefIsNull / RefFunc    : RefIsNull d a  /  RefFunc d func_index
//   Unreachable            : Unreachable
//   Fuel                   : Fuel cost      (function entries and loop headers)
//   <binop>Imm             : op d a imm     (see CLOISTER_IR_IMM_OPS)
//   BrIf<cmp> / BrIf<cmp>Imm : op a b target  /  op a imm target
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "wasm/opcode.h"
#include "wasm/types.h"

namespace cloister::wasm {

// Operations of the internal form. The first kOpcodeCount values reuse the
// Wasm opcodes' names and numbering (only the numeric, load/store and a few
// other rows are ever emitted); the rest are internal.
// Binary operations that also exist with a constant second operand
// ("<name>Imm d a imm": imm is 32 bits, sign-extended for i64 operations).
#define CLOISTER_IR_IMM_OPS(X)                                                                     \
  X(I32Add)                                                                                        \
  X(I32Sub)                                                                                        \
  X(I32Mul)                                                                                        \
  X(I32And)                                                                                        \
  X(I32Or) X(I32Xor) X(I32Shl) X(I32ShrS) X(I32ShrU) X(I32Eq) X(I32Ne) X(I32LtS) X(I32LtU)         \
      X(I32GtS) X(I32GtU) X(I32LeS) X(I32LeU) X(I32GeS) X(I32GeU) X(I64Add) X(I64Sub) X(I64Mul)    \
          X(I64And) X(I64Or) X(I64Xor) X(I64Shl) X(I64ShrS) X(I64ShrU) X(I64Eq) X(I64Ne) X(I64LtS) \
              X(I64LtU) X(I64GtS) X(I64GtU) X(I64LeS) X(I64LeU) X(I64GeS) X(I64GeU)

// i32 comparisons fused with a conditional branch ("BrIf<name> a b target"
// and "BrIf<name>Imm a imm target"): a loop's exit test is one operation.
#define CLOISTER_IR_BRANCH_CMP_OPS(X) \
  X(I32Eq) X(I32Ne) X(I32LtS) X(I32LtU) X(I32GtS) X(I32GtU) X(I32LeS) X(I32LeU) X(I32GeS) X(I32GeU)

#define CLOISTER_IR_IMM_NAME(name) name##Imm,
#define CLOISTER_IR_BR_NAME(name) BrIf##name, BrIf##name##Imm,
#define CLOISTER_IR_EXTRA_OPS(X) \
  X(Copy)                        \
  X(Const32)                     \
  X(Const64)                     \
  X(BrIfNot)                     \
  X(Fuel)                        \
  X(CallInternal)                \
  X(Return1)

enum class IrOp : uint32_t {
#define WASM_OPCODE(res, t1, t2, t3, mem, prefix, code, name, text, imm) name,
#include "wasm/opcodes.def"
#define CLOISTER_IR_ENUM(name) name,
  CLOISTER_IR_EXTRA_OPS(CLOISTER_IR_ENUM)
#undef CLOISTER_IR_ENUM
      CLOISTER_IR_IMM_OPS(CLOISTER_IR_IMM_NAME) CLOISTER_IR_BRANCH_CMP_OPS(CLOISTER_IR_BR_NAME)
          Count_
};
inline constexpr size_t kIrOpCount = static_cast<size_t>(IrOp::Count_);

inline IrOp ir_op(Opcode op) {
  return static_cast<IrOp>(static_cast<uint16_t>(op));
}

// A compiled function body and what a call needs to set up its frame.
struct CompiledFunction {
  std::vector<uint32_t> code;
  uint32_t func_index = 0;   // in the module's function index space
  uint32_t num_params = 0;   // slots [0, num_params)
  uint32_t num_results = 0;  // written to slots [0, num_results) on return
  uint32_t num_locals = 0;   // params + declared locals: slots [0, num_locals)
  uint32_t frame_slots = 0;  // num_locals + the maximal operand stack height
  uint32_t entry_fuel = 1;   // fuel charged by each call (the entry region's cost)
  // (code position, binary offset) of every instruction that came from the
  // Wasm body, in increasing code position: maps a trap back to its source.
  std::vector<std::pair<uint32_t, uint32_t>> source_map;

  // Binary offset of the Wasm instruction that produced code word `pos`.
  uint32_t source_offset(uint32_t pos) const;
};

}  // namespace cloister::wasm
