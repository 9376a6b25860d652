// SPDX-License-Identifier: Apache-2.0
//
// The numeric instructions whose exact WebAssembly semantics differ from a
// plain C++ operator (Core Specification 2.0, section 4.3): float min/max
// (NaN and signed-zero rules), nearest (round half to even), bit-level
// abs/neg/copysign, and float->int truncation with its range checks done
// before any cast (a C++ cast of an out-of-range float is undefined).
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>

namespace cloister::wasm::numeric {

template <typename F>
struct FloatBits;
template <>
struct FloatBits<float> {
  using U = uint32_t;
  static constexpr U kSign = 0x80000000u;
};
template <>
struct FloatBits<double> {
  using U = uint64_t;
  static constexpr U kSign = 0x8000000000000000ull;
};

template <typename F>
inline F fabs_bits(F x) {
  using B = FloatBits<F>;
  return std::bit_cast<F>(static_cast<typename B::U>(std::bit_cast<typename B::U>(x) & ~B::kSign));
}
template <typename F>
inline F fneg_bits(F x) {
  using B = FloatBits<F>;
  return std::bit_cast<F>(static_cast<typename B::U>(std::bit_cast<typename B::U>(x) ^ B::kSign));
}
template <typename F>
inline F fcopysign_bits(F x, F y) {
  using B = FloatBits<F>;
  using U = typename B::U;
  return std::bit_cast<F>(
      static_cast<U>((std::bit_cast<U>(x) & ~B::kSign) | (std::bit_cast<U>(y) & B::kSign)));
}

// min/max: a NaN operand gives a NaN (x + y propagates it quieted, an
// arithmetic NaN as the spec allows); -0 < +0.
template <typename F>
inline F fmin(F x, F y) {
  if (std::isnan(x) || std::isnan(y)) return x + y;
  if (x == y) {
    using U = typename FloatBits<F>::U;
    return std::bit_cast<F>(static_cast<U>(std::bit_cast<U>(x) | std::bit_cast<U>(y)));
  }
  return x < y ? x : y;
}
template <typename F>
inline F fmax(F x, F y) {
  if (std::isnan(x) || std::isnan(y)) return x + y;
  if (x == y) {
    using U = typename FloatBits<F>::U;
    return std::bit_cast<F>(static_cast<U>(std::bit_cast<U>(x) & std::bit_cast<U>(y)));
  }
  return x > y ? x : y;
}

// Rounding functions; a NaN input gives a quiet NaN (x + x quiets it).
template <typename F>
inline F fnearest(F x) {
  if (std::isnan(x)) return x + x;
  return std::nearbyint(x);  // default rounding mode: to nearest, ties to even
}
template <typename F>
inline F fceil(F x) {
  if (std::isnan(x)) return x + x;
  return std::ceil(x);
}
template <typename F>
inline F ffloor(F x) {
  if (std::isnan(x)) return x + x;
  return std::floor(x);
}
template <typename F>
inline F ftrunc(F x) {
  if (std::isnan(x)) return x + x;
  return std::trunc(x);
}

// Float -> int truncation. The bounds are exact powers of two, representable
// in every float type, so the comparisons are exact.
enum class TruncStatus : uint8_t { Ok, NaN, Overflow };

template <typename I, typename F>
inline TruncStatus trunc_checked(F x, I* out) {
  if (std::isnan(x)) return TruncStatus::NaN;
  constexpr bool kSigned = std::numeric_limits<I>::is_signed;
  constexpr int kBits = std::numeric_limits<I>::digits + (kSigned ? 1 : 0);
  // Upper bound (exclusive): 2^(bits-1) signed, 2^bits unsigned.
  const F upper = std::ldexp(F(1), kSigned ? kBits - 1 : kBits);
  const F t = std::trunc(x);
  if (kSigned) {
    const F lower = -upper;  // inclusive
    if (!(t >= lower && t < upper)) return TruncStatus::Overflow;
  } else {
    if (!(t > F(-1) && t < upper)) return TruncStatus::Overflow;
  }
  *out = static_cast<I>(t);
  return TruncStatus::Ok;
}

template <typename I, typename F>
inline I trunc_sat(F x) {
  if (std::isnan(x)) return 0;
  I v = 0;
  if (trunc_checked<I>(x, &v) == TruncStatus::Ok) return v;
  return x < F(0) ? std::numeric_limits<I>::min() : std::numeric_limits<I>::max();
}

}  // namespace cloister::wasm::numeric
