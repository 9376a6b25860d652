// SPDX-License-Identifier: Apache-2.0
//
// args_get / args_sizes_get / environ_get / environ_sizes_get: the module's
// argv and environment ("KEY=value" strings, verbatim from WasiContext).
// Both pairs share one layout: an array of u32 pointers, and the strings they
// point to packed one after another, each NUL-terminated, in a buffer whose
// size *_sizes_get reported.
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "wasi/call.h"

namespace cloister::wasi {
namespace {

constexpr uint32_t kPointerSize = 4;

// Total bytes of `strings` with one NUL each, or Overflow when that does not
// fit a wasm32 size.
ErrnoOr<uint32_t> packed_size(const std::vector<std::string>& strings) {
  uint64_t total = 0;
  for (const std::string& s : strings) total += uint64_t{s.size()} + 1;
  if (total > UINT32_MAX) return Errno::Overflow;
  return static_cast<uint32_t>(total);
}

// *_sizes_get: the string count at `count_ptr`, the packed size at `size_ptr`.
Errno sizes_get(WasiCall& c, const std::vector<std::string>& strings) {
  const uint32_t count_ptr = c.u32(0);
  const uint32_t size_ptr = c.u32(1);
  if (strings.size() > UINT32_MAX) return Errno::Overflow;
  WASI_TRY_ASSIGN(const uint32_t size, packed_size(strings));
  // Check both before writing either, so a fault leaves memory untouched.
  if (!c.mem.in_bounds(count_ptr, 4) || !c.mem.in_bounds(size_ptr, 4)) return Errno::Fault;
  WASI_CHECK(c.mem.store<uint32_t>(count_ptr, static_cast<uint32_t>(strings.size())));
  return c.mem.store<uint32_t>(size_ptr, size);
}

// *_get: pointers at `ptrs`, strings packed from `buf`.
Errno strings_get(WasiCall& c, const std::vector<std::string>& strings) {
  const uint32_t ptrs = c.u32(0);
  const uint32_t buf = c.u32(1);
  WASI_TRY_ASSIGN(const uint32_t size, packed_size(strings));
  WASI_TRY_ASSIGN(std::span<uint8_t> ptr_area,
                  c.mem.bytes(ptrs, uint64_t{strings.size()} * kPointerSize));
  WASI_TRY_ASSIGN(std::span<uint8_t> buf_area, c.mem.bytes(buf, size));
  // Both areas are in bounds, so every `buf + offset` below fits in u32.
  uint32_t offset = 0;
  for (size_t i = 0; i < strings.size(); ++i) {
    const std::string& s = strings[i];
    const uint32_t guest_ptr = buf + offset;
    std::memcpy(ptr_area.data() + i * kPointerSize, &guest_ptr, kPointerSize);
    std::memcpy(buf_area.data() + offset, s.data(), s.size());
    buf_area[offset + s.size()] = 0;
    offset += static_cast<uint32_t>(s.size()) + 1;
  }
  return Errno::Success;
}

wasm::Outcome<Errno> args_get(WasiCall& c) {
  return strings_get(c, c.ctx.args());
}
wasm::Outcome<Errno> args_sizes_get(WasiCall& c) {
  return sizes_get(c, c.ctx.args());
}
wasm::Outcome<Errno> environ_get(WasiCall& c) {
  return strings_get(c, c.ctx.env());
}
wasm::Outcome<Errno> environ_sizes_get(WasiCall& c) {
  return sizes_get(c, c.ctx.env());
}

}  // namespace

void register_args_environ(WasiRegistry& r) {
  r.add("args_get", "ii", &args_get);
  r.add("args_sizes_get", "ii", &args_sizes_get);
  r.add("environ_get", "ii", &environ_get);
  r.add("environ_sizes_get", "ii", &environ_sizes_get);
}

}  // namespace cloister::wasi
