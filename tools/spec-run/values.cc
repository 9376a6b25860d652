// SPDX-License-Identifier: Apache-2.0
#include "values.h"

namespace cloister::specrun {

using wasm::ValType;
using wasm::Value;

namespace {

ValType engine_type(ScriptValue::Type t) {
  switch (t) {
    case ScriptValue::Type::I32:
      return ValType::I32;
    case ScriptValue::Type::I64:
      return ValType::I64;
    case ScriptValue::Type::F32:
      return ValType::F32;
    case ScriptValue::Type::F64:
      return ValType::F64;
    case ScriptValue::Type::V128:
      return ValType::V128;
    case ScriptValue::Type::FuncRef:
      return ValType::FuncRef;
    case ScriptValue::Type::ExternRef:
      return ValType::ExternRef;
  }
  return ValType::I32;
}

}  // namespace

bool is_canonical_nan_f32(uint32_t bits) {
  return (bits & 0x7fffffffu) == 0x7fc00000u;
}
bool is_arithmetic_nan_f32(uint32_t bits) {
  return (bits & 0x7fc00000u) == 0x7fc00000u;
}
bool is_canonical_nan_f64(uint64_t bits) {
  return (bits & 0x7fffffffffffffffull) == 0x7ff8000000000000ull;
}
bool is_arithmetic_nan_f64(uint64_t bits) {
  return (bits & 0x7ff8000000000000ull) == 0x7ff8000000000000ull;
}

Result<Value> to_engine_value(const ScriptValue& v) {
  using P = ScriptValue::Pattern;
  switch (v.type) {
    case ScriptValue::Type::V128:
      return fail("v128 values are not supported (no SIMD)");
    case ScriptValue::Type::FuncRef:
      if (v.pattern == P::Null) return Value::null_ref(ValType::FuncRef);
      return fail("a non-null funcref argument cannot be expressed");
    case ScriptValue::Type::ExternRef:
      if (v.pattern == P::Null) return Value::null_ref(ValType::ExternRef);
      if (v.pattern == P::Exact) return Value::externref(v.bits);
      return fail("externref argument without a value");
    default:
      break;
  }
  if (v.pattern != P::Exact) return fail("argument ", describe(v), " is not a concrete value");
  switch (v.type) {
    case ScriptValue::Type::I32:
      return Value::i32(static_cast<uint32_t>(v.bits));
    case ScriptValue::Type::I64:
      return Value::i64(v.bits);
    case ScriptValue::Type::F32:
      return Value::f32_bits(static_cast<uint32_t>(v.bits));
    case ScriptValue::Type::F64:
      return Value::f64_bits(v.bits);
    default:
      break;
  }
  return fail("unsupported argument ", describe(v));
}

bool matches(const Value& actual, const ScriptValue& expected) {
  using P = ScriptValue::Pattern;
  if (actual.type() != engine_type(expected.type)) return false;
  switch (expected.pattern) {
    case P::Unspecified:
      return true;
    case P::Null:
      return actual.is_null();
    case P::AnyNonNull:
      return !actual.is_null();
    case P::CanonicalNan:
      return expected.type == ScriptValue::Type::F32 ? is_canonical_nan_f32(actual.f32_bits())
                                                     : is_canonical_nan_f64(actual.f64_bits());
    case P::ArithmeticNan:
      return expected.type == ScriptValue::Type::F32 ? is_arithmetic_nan_f32(actual.f32_bits())
                                                     : is_arithmetic_nan_f64(actual.f64_bits());
    case P::Exact:
      break;
  }
  switch (expected.type) {
    case ScriptValue::Type::I32:
      return actual.i32() == static_cast<uint32_t>(expected.bits);
    case ScriptValue::Type::F32:
      return actual.f32_bits() == static_cast<uint32_t>(expected.bits);
    case ScriptValue::Type::I64:
      return actual.i64() == expected.bits;
    case ScriptValue::Type::F64:
      return actual.f64_bits() == expected.bits;
    case ScriptValue::Type::ExternRef:
      return !actual.is_null() && actual.externref_word() == expected.bits;
    case ScriptValue::Type::FuncRef:
      return false;  // the format has no concrete funcrefs
    case ScriptValue::Type::V128:
      return false;  // no SIMD
  }
  return false;
}

}  // namespace cloister::specrun
