// SPDX-License-Identifier: Apache-2.0
//
// Bounded LEB128 readers (Core Specification 2.0, section 5.2.2) on top of
// ByteReader. The spec makes two encodings malformed that a naive reader
// accepts: more bytes than ceil(N/7) ("integer representation too long"), and
// a last byte whose bits beyond the N-bit value are not zero (unsigned) or
// not a copy of the sign bit (signed) ("integer too large").
#pragma once

#include <cstdint>
#include <string_view>

#include "base/byte_reader.h"

namespace cloister::wasm {

enum class LebStatus : uint8_t { Ok, UnexpectedEnd, TooLong, TooLarge };

// The spec test suite's reason text for a failed read.
inline std::string_view to_string(LebStatus s) {
  switch (s) {
    case LebStatus::Ok:
      return "ok";
    case LebStatus::UnexpectedEnd:
      return "unexpected end";
    case LebStatus::TooLong:
      return "integer representation too long";
    case LebStatus::TooLarge:
      return "integer too large";
  }
  return "?";
}

namespace detail {

// Reads an N-bit LEB128 integer into a uint64_t (sign-extended to 64 bits
// when Signed). On failure the cursor may have advanced; callers stop parsing.
template <unsigned N, bool Signed>
inline LebStatus read_leb(ByteReader& r, uint64_t* out) {
  static_assert(N >= 1 && N <= 64);
  constexpr unsigned kMaxBytes = (N + 6) / 7;
  uint64_t result = 0;
  unsigned shift = 0;
  for (unsigned i = 0; i < kMaxBytes; ++i) {
    uint8_t byte;
    if (!r.read_u8(&byte)) return LebStatus::UnexpectedEnd;
    const uint8_t payload = byte & 0x7f;
    if (i == kMaxBytes - 1) {
      if (byte & 0x80) return LebStatus::TooLong;
      const unsigned used_bits = N - 7 * i;  // 1..7 payload bits of this byte carry value
      if constexpr (Signed) {
        // Bits from the sign bit upwards must all be equal.
        const uint8_t upper = static_cast<uint8_t>(payload >> (used_bits - 1));
        const uint8_t all_ones = static_cast<uint8_t>(0x7f >> (used_bits - 1));
        if (upper != 0 && upper != all_ones) return LebStatus::TooLarge;
      } else {
        if (used_bits < 7 && (payload >> used_bits) != 0) return LebStatus::TooLarge;
      }
    }
    result |= static_cast<uint64_t>(payload) << shift;
    shift += 7;
    if ((byte & 0x80) == 0) {
      if constexpr (Signed) {
        if (shift < 64 && (byte & 0x40)) result |= ~uint64_t{0} << shift;
      }
      *out = result;
      return LebStatus::Ok;
    }
  }
  return LebStatus::TooLong;  // unreachable: the last byte's continuation bit returned above
}

}  // namespace detail

inline LebStatus read_leb_u32(ByteReader& r, uint32_t* out) {
  uint64_t v = 0;
  const LebStatus s = detail::read_leb<32, false>(r, &v);
  if (s == LebStatus::Ok) *out = static_cast<uint32_t>(v);
  return s;
}

inline LebStatus read_leb_s32(ByteReader& r, int32_t* out) {
  uint64_t v = 0;
  const LebStatus s = detail::read_leb<32, true>(r, &v);
  if (s == LebStatus::Ok) *out = static_cast<int32_t>(static_cast<uint32_t>(v));
  return s;
}

// Block types are encoded as a signed 33-bit integer (section 5.4.1), so that
// non-negative values can be type indices up to 2^32-1.
inline LebStatus read_leb_s33(ByteReader& r, int64_t* out) {
  uint64_t v = 0;
  const LebStatus s = detail::read_leb<33, true>(r, &v);
  if (s == LebStatus::Ok) *out = static_cast<int64_t>(v);
  return s;
}

inline LebStatus read_leb_s64(ByteReader& r, int64_t* out) {
  uint64_t v = 0;
  const LebStatus s = detail::read_leb<64, true>(r, &v);
  if (s == LebStatus::Ok) *out = static_cast<int64_t>(v);
  return s;
}

inline LebStatus read_leb_u64(ByteReader& r, uint64_t* out) {
  return detail::read_leb<64, false>(r, out);
}

}  // namespace cloister::wasm
