// SPDX-License-Identifier: Apache-2.0
//
// Bounds-checked access to the calling module's linear memory. Every pointer
// and length a WASI function receives comes from untrusted Wasm code: each
// access is checked against the memory's current size (which can change
// between calls, and whose base can move when it grows), and an out-of-range
// access becomes Errno::Fault for the module, never a host crash.
// Values are little-endian (Wasm's byte order; the hosts we run on are
// little-endian too, which keep/CMake checks).
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

#include "wasi/abi.h"
#include "wasm/runtime.h"

namespace cloister::wasi {

// Either a T or a WASI errno (never Errno::Success).
template <typename T>
class [[nodiscard]] ErrnoOr {
 public:
  ErrnoOr(T value) : v_(std::in_place_index<0>, std::move(value)) {}
  ErrnoOr(Errno e) : v_(std::in_place_index<1>, e) {}
  bool ok() const { return v_.index() == 0; }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T& operator*() { return value(); }
  T* operator->() { return &value(); }
  Errno error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Errno> v_;
};

// Returns the errno from the enclosing function if `expr` (an Errno) is not
// Success.
#define WASI_CHECK(expr)                                                                 \
  do {                                                                                   \
    ::cloister::wasi::Errno wasi_check_errno_ = (expr);                                  \
    if (wasi_check_errno_ != ::cloister::wasi::Errno::Success) return wasi_check_errno_; \
  } while (0)

#define WASI_CONCAT_INNER(a, b) a##b
#define WASI_CONCAT(a, b) WASI_CONCAT_INNER(a, b)
// `WASI_TRY_ASSIGN(auto x, expr_returning_ErrnoOr)`: declares x or returns
// the errno.
#define WASI_TRY_ASSIGN(decl, expr) \
  WASI_TRY_ASSIGN_IMPL(WASI_CONCAT(wasi_try_, __LINE__), decl, expr)
#define WASI_TRY_ASSIGN_IMPL(tmp, decl, expr) \
  auto tmp = (expr);                          \
  if (!tmp.ok()) return tmp.error();          \
  decl = std::move(tmp.value())

class GuestMemory {
 public:
  explicit GuestMemory(wasm::MemoryInst* memory) : memory_(memory) {}

  bool present() const { return memory_ != nullptr; }
  uint64_t size() const { return memory_ ? memory_->size_bytes() : 0; }

  // [ptr, ptr+len) lies inside memory. len 0 is in bounds for ptr <= size.
  bool in_bounds(uint32_t ptr, uint64_t len) const {
    return memory_ != nullptr && uint64_t{ptr} + len <= memory_->size_bytes();
  }
  // The bytes at [ptr, ptr+len), or Fault. The span is valid until the
  // memory grows (never across a call back into Wasm).
  ErrnoOr<std::span<uint8_t>> bytes(uint32_t ptr, uint64_t len) {
    if (!in_bounds(ptr, len)) return Errno::Fault;
    return std::span<uint8_t>(memory_->data() + ptr, static_cast<size_t>(len));
  }
  // A UTF-8-agnostic view of a guest string (path, name).
  ErrnoOr<std::string_view> string(uint32_t ptr, uint32_t len) {
    if (!in_bounds(ptr, len)) return Errno::Fault;
    return std::string_view(reinterpret_cast<const char*>(memory_->data() + ptr), len);
  }

  template <typename T>
  requires std::is_integral_v<T> ErrnoOr<T> load(uint32_t ptr)
  const {
    if (!in_bounds(ptr, sizeof(T))) return Errno::Fault;
    T v;
    std::memcpy(&v, memory_->data() + ptr, sizeof(T));
    return v;
  }
  template <typename T>
  requires std::is_integral_v<T> Errno store(uint32_t ptr, T value) {
    if (!in_bounds(ptr, sizeof(T))) return Errno::Fault;
    std::memcpy(memory_->data() + ptr, &value, sizeof(T));
    return Errno::Success;
  }

 private:
  wasm::MemoryInst* memory_;
};

// Writes integers into a fixed-size little-endian structure being assembled
// on the host (fdstat, filestat, dirent, event) before it is copied out.
template <size_t N>
struct StructWriter {
  uint8_t bytes[N] = {};
  template <typename T>
  void put(uint32_t offset, T value) {
    static_assert(std::is_integral_v<T>);
    std::memcpy(bytes + offset, &value, sizeof(T));
  }
};

// Copies a host-built structure out to guest memory.
template <size_t N>
Errno store_struct(GuestMemory& mem, uint32_t ptr, const StructWriter<N>& s) {
  auto dst = mem.bytes(ptr, N);
  if (!dst.ok()) return dst.error();
  std::memcpy(dst->data(), s.bytes, N);
  return Errno::Success;
}

}  // namespace cloister::wasi
