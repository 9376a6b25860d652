// SPDX-License-Identifier: Apache-2.0
//
// Helpers to hand-assemble small WebAssembly binaries in tests, so that the
// front-end tests need no assembler at test time.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <vector>

namespace cloister::wasm::testing {

using Bytes = std::vector<uint8_t>;

inline Bytes leb_u32(uint32_t v) {
  Bytes out;
  do {
    uint8_t b = v & 0x7f;
    v >>= 7;
    if (v != 0) b |= 0x80;
    out.push_back(b);
  } while (v != 0);
  return out;
}

inline Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// A name: length + bytes.
inline Bytes name(std::string_view s) {
  return cat({leb_u32(static_cast<uint32_t>(s.size())), Bytes(s.begin(), s.end())});
}

// A vector: count + the concatenated elements.
inline Bytes vec(std::initializer_list<Bytes> elements) {
  return cat({leb_u32(static_cast<uint32_t>(elements.size())), cat(elements)});
}

inline Bytes section(uint8_t id, const Bytes& content) {
  return cat({Bytes{id}, leb_u32(static_cast<uint32_t>(content.size())), content});
}

inline const Bytes kHeader = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};

inline Bytes module(std::initializer_list<Bytes> sections) {
  Bytes out = kHeader;
  for (const Bytes& s : sections) out.insert(out.end(), s.begin(), s.end());
  return out;
}

// Common pieces.
constexpr uint8_t I32 = 0x7f, I64 = 0x7e, F32 = 0x7d, F64 = 0x7c, FUNCREF = 0x70, EXTERNREF = 0x6f;
inline Bytes func_type(Bytes params, Bytes results) {
  return cat({Bytes{0x60}, leb_u32(static_cast<uint32_t>(params.size())), params,
              leb_u32(static_cast<uint32_t>(results.size())), results});
}
// A code entry: locals (already encoded as a vector) + body bytes (with end).
inline Bytes code_entry(const Bytes& locals, const Bytes& body) {
  const Bytes content = cat({locals, body});
  return cat({leb_u32(static_cast<uint32_t>(content.size())), content});
}
// Type section with one type, function section with `n` functions of type 0,
// and a code section with the given bodies (no locals).
inline Bytes one_type_module(const Bytes& type, std::initializer_list<Bytes> bodies,
                             std::initializer_list<Bytes> extra_sections_before_code = {}) {
  Bytes funcs = leb_u32(static_cast<uint32_t>(bodies.size()));
  Bytes code = leb_u32(static_cast<uint32_t>(bodies.size()));
  for (const Bytes& b : bodies) {
    funcs.push_back(0);
    const Bytes e = code_entry(Bytes{0}, b);
    code.insert(code.end(), e.begin(), e.end());
  }
  Bytes out = kHeader;
  const Bytes types = section(1, vec({type}));
  out.insert(out.end(), types.begin(), types.end());
  const Bytes fs = section(3, funcs);
  out.insert(out.end(), fs.begin(), fs.end());
  for (const Bytes& s : extra_sections_before_code) out.insert(out.end(), s.begin(), s.end());
  const Bytes cs = section(10, code);
  out.insert(out.end(), cs.begin(), cs.end());
  return out;
}

}  // namespace cloister::wasm::testing
