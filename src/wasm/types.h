// SPDX-License-Identifier: Apache-2.0
//
// WebAssembly 2.0 types (Core Specification 2.0, section 2.3), shared by the
// decoder, the validator, the compiler and the runtime.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace cloister::wasm {

// Value types, numbered by their binary encoding (section 5.3.1).
enum class ValType : uint8_t {
  I32 = 0x7f,
  I64 = 0x7e,
  F32 = 0x7d,
  F64 = 0x7c,
  V128 = 0x7b,  // decoded so that a SIMD module is refused with a clear message
  FuncRef = 0x70,
  ExternRef = 0x6f,
};

inline bool is_ref(ValType t) {
  return t == ValType::FuncRef || t == ValType::ExternRef;
}
inline bool is_num(ValType t) {
  return t == ValType::I32 || t == ValType::I64 || t == ValType::F32 || t == ValType::F64;
}
std::string_view to_string(ValType t);

struct FuncType {
  std::vector<ValType> params;
  std::vector<ValType> results;
  friend bool operator==(const FuncType&, const FuncType&) = default;
};

struct Limits {
  uint32_t min = 0;
  std::optional<uint32_t> max;
  friend bool operator==(const Limits&, const Limits&) = default;
};

struct TableType {
  ValType elem = ValType::FuncRef;  // FuncRef or ExternRef
  Limits limits;
  friend bool operator==(const TableType&, const TableType&) = default;
};

// Limits in 64 KiB pages.
struct MemoryType {
  Limits limits;
  friend bool operator==(const MemoryType&, const MemoryType&) = default;
};

struct GlobalType {
  ValType type = ValType::I32;
  bool mutable_ = false;
  friend bool operator==(const GlobalType&, const GlobalType&) = default;
};

// Import/export kinds, numbered by their binary encoding.
enum class ExternKind : uint8_t { Func = 0, Table = 1, Memory = 2, Global = 3 };
std::string_view to_string(ExternKind k);

inline constexpr uint32_t kPageSize = 65536;
inline constexpr uint32_t kMaxPages = 65536;  // 4 GiB of 32-bit address space

}  // namespace cloister::wasm
