// SPDX-License-Identifier: Apache-2.0
//
// Values and failures of the embedding API.
#include <bit>
#include <cstdio>

#include "wasm/runtime.h"

namespace cloister::wasm {

Value Value::f32(float v) {
  return f32_bits(std::bit_cast<uint32_t>(v));
}
Value Value::f64(double v) {
  return f64_bits(std::bit_cast<uint64_t>(v));
}
float Value::f32() const {
  return std::bit_cast<float>(f32_bits());
}
double Value::f64() const {
  return std::bit_cast<double>(f64_bits());
}

Value Value::funcref(FuncInst* f) {
  return Value(ValType::FuncRef, static_cast<uint64_t>(reinterpret_cast<uintptr_t>(f)));
}
Value Value::externref(uint64_t host_word) {
  return Value(ValType::ExternRef, host_word + 1);
}

FuncInst* Value::funcref() const {
  if (type_ != ValType::FuncRef) return nullptr;
  return reinterpret_cast<FuncInst*>(static_cast<uintptr_t>(bits_));
}
uint64_t Value::externref_word() const {
  return bits_ - 1;
}

std::string Value::to_string() const {
  char buf[64];
  switch (type_) {
    case ValType::I32:
      std::snprintf(buf, sizeof buf, "i32:%u", i32());
      break;
    case ValType::I64:
      std::snprintf(buf, sizeof buf, "i64:%llu", static_cast<unsigned long long>(i64()));
      break;
    case ValType::F32:
      std::snprintf(buf, sizeof buf, "f32:%g (0x%08x)", f32(), f32_bits());
      break;
    case ValType::F64:
      std::snprintf(buf, sizeof buf, "f64:%g (0x%016llx)", f64(),
                    static_cast<unsigned long long>(f64_bits()));
      break;
    case ValType::FuncRef:
      if (is_null()) return "funcref:null";
      std::snprintf(buf, sizeof buf, "funcref:%p", static_cast<void*>(funcref()));
      break;
    case ValType::ExternRef:
      if (is_null()) return "externref:null";
      std::snprintf(buf, sizeof buf, "externref:%llu",
                    static_cast<unsigned long long>(externref_word()));
      break;
    default:
      return "v128:?";
  }
  return buf;
}

std::string_view trap_reason(TrapKind kind) {
  switch (kind) {
    case TrapKind::None:
      return "no trap";
    case TrapKind::Unreachable:
      return "unreachable";
    case TrapKind::IntegerDivideByZero:
      return "integer divide by zero";
    case TrapKind::IntegerOverflow:
      return "integer overflow";
    case TrapKind::InvalidConversionToInteger:
      return "invalid conversion to integer";
    case TrapKind::OutOfBoundsMemoryAccess:
      return "out of bounds memory access";
    case TrapKind::OutOfBoundsTableAccess:
      return "out of bounds table access";
    case TrapKind::UndefinedElement:
      return "undefined element";
    case TrapKind::UninitializedElement:
      return "uninitialized element";
    case TrapKind::IndirectCallTypeMismatch:
      return "indirect call type mismatch";
    case TrapKind::CallStackExhausted:
      return "call stack exhausted";
    case TrapKind::OutOfFuel:
      return "out of fuel";
    case TrapKind::Host:
      return "host trap";
  }
  return "unknown trap";
}

Failure Failure::trap_of(TrapKind kind) {
  Failure f;
  f.kind = (kind == TrapKind::CallStackExhausted || kind == TrapKind::OutOfFuel)
               ? FailureKind::Exhaustion
               : FailureKind::Trap;
  f.trap = kind;
  f.reason = std::string(trap_reason(kind));
  return f;
}

Failure Failure::host_trap(std::string reason) {
  Failure f;
  f.kind = FailureKind::Trap;
  f.trap = TrapKind::Host;
  f.reason = std::move(reason);
  return f;
}

Failure Failure::error(std::string message) {
  Failure f;
  f.kind = FailureKind::Error;
  f.reason = std::move(message);
  return f;
}

Failure Failure::link(std::string message) {
  Failure f;
  f.kind = FailureKind::Link;
  f.reason = std::move(message);
  return f;
}

Failure Failure::exit(int32_t code) {
  Failure f;
  f.kind = FailureKind::Exit;
  f.exit_code = code;
  f.reason = "exit with code " + std::to_string(code);
  return f;
}

std::string Failure::message() const {
  std::string m;
  switch (kind) {
    case FailureKind::Trap:
      m = "trap: ";
      break;
    case FailureKind::Exhaustion:
      m = "exhaustion: ";
      break;
    case FailureKind::Link:
      m = "link error: ";
      break;
    case FailureKind::Exit:
      m = "";
      break;
    case FailureKind::Error:
      m = "error: ";
      break;
  }
  m += reason;
  if (func_index) {
    m += " in function " + std::to_string(*func_index);
    if (!func_name.empty()) m += " ($" + func_name + ")";
  }
  if (offset) {
    char buf[32];
    std::snprintf(buf, sizeof buf, " at offset 0x%zx", *offset);
    m += buf;
  }
  return m;
}

}  // namespace cloister::wasm
