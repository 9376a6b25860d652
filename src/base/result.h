// SPDX-License-Identifier: Apache-2.0
//
// Errors as values. `Result<T>` holds either a T or an `Error` (a message that
// names what went wrong and where). It mirrors the parts of C++23's
// std::expected that we use, because the standard library shipped with
// Debian 12 (libstdc++ 12) only enables <expected> under g++, and the fuzzing
// builds use clang.
#pragma once

#include <cassert>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

namespace cloister {

// A failure with a human-readable message. `context` prefixes let callers add
// where the failure happened without losing the original reason.
class Error {
 public:
  Error() = default;
  explicit Error(std::string message) : message_(std::move(message)) {}

  const std::string& message() const { return message_; }

  // Returns a copy whose message is "`where`: <original message>".
  [[nodiscard]] Error with_context(std::string_view where) const {
    std::string m(where);
    m += ": ";
    m += message_;
    return Error(std::move(m));
  }

 private:
  std::string message_;
};

// Wraps an Error so that `return Unexpected(...)` converts into any Result<T>.
struct Unexpected {
  Error error;
  explicit Unexpected(Error e) : error(std::move(e)) {}
  explicit Unexpected(std::string message) : error(std::move(message)) {}
};

// Shorthand: `return fail("bad magic at offset ", 0);` — concatenates its
// arguments (strings, string_views, chars and integers) into the message.
namespace detail {
inline void append(std::string& out, std::string_view s) {
  out += s;
}
inline void append(std::string& out, const char* s) {
  out += s;
}
inline void append(std::string& out, const std::string& s) {
  out += s;
}
inline void append(std::string& out, char c) {
  out += c;
}
template <typename I>
requires std::is_integral_v<I>
void append(std::string& out, I v) {
  out += std::to_string(v);
}
}  // namespace detail

template <typename... Args>
[[nodiscard]] Unexpected fail(const Args&... args) {
  std::string m;
  (detail::append(m, args), ...);
  return Unexpected(std::move(m));
}

template <typename T>
class [[nodiscard]] Result {
 public:
  using value_type = T;

  Result(const T& v) : state_(std::in_place_index<0>, v) {}
  Result(T&& v) : state_(std::in_place_index<0>, std::move(v)) {}
  template <typename U>
  requires(std::is_constructible_v<T, U&&> && !std::is_same_v<std::decay_t<U>, T> &&
           !std::is_same_v<std::decay_t<U>, Unexpected> &&
           !std::is_same_v<std::decay_t<U>, Result<T>>) Result(U&& v)
      : state_(std::in_place_index<0>, T(std::forward<U>(v))) {}
  Result(Unexpected u) : state_(std::in_place_index<1>, std::move(u.error)) {}

  bool has_value() const { return state_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & {
    assert(has_value());
    return std::get<0>(state_);
  }
  const T& value() const& {
    assert(has_value());
    return std::get<0>(state_);
  }
  T&& value() && {
    assert(has_value());
    return std::get<0>(std::move(state_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const {
    assert(!has_value());
    return std::get<1>(state_);
  }

  // The value, or `fallback` when this holds an error.
  template <typename U>
  T value_or(U&& fallback) const& {
    return has_value() ? value() : static_cast<T>(std::forward<U>(fallback));
  }

 private:
  std::variant<T, Error> state_;
};

// Result<void>: success carries nothing.
template <>
class [[nodiscard]] Result<void> {
 public:
  using value_type = void;

  Result() = default;
  Result(Unexpected u) : error_(std::move(u.error)), ok_(false) {}

  bool has_value() const { return ok_; }
  explicit operator bool() const { return ok_; }
  void value() const { assert(ok_); }
  const Error& error() const {
    assert(!ok_);
    return error_;
  }

 private:
  Error error_;
  bool ok_ = true;
};

// Success for Result<void>.
inline Result<void> ok() {
  return {};
}

}  // namespace cloister

// Propagates an error from an expression returning Result<...>; on success,
// evaluates to nothing. Use TRY_ASSIGN when you need the value.
#define CLOISTER_TRY(expr)                                                        \
  do {                                                                            \
    auto&& cloister_try_r_ = (expr);                                              \
    if (!cloister_try_r_) return ::cloister::Unexpected(cloister_try_r_.error()); \
  } while (0)

#define CLOISTER_CONCAT_INNER_(a, b) a##b
#define CLOISTER_CONCAT_(a, b) CLOISTER_CONCAT_INNER_(a, b)

// `CLOISTER_TRY_ASSIGN(auto x, f());` declares x from f()'s value or returns
// f()'s error from the enclosing function.
#define CLOISTER_TRY_ASSIGN(decl, expr)                                                 \
  auto CLOISTER_CONCAT_(cloister_try_v_, __LINE__) = (expr);                            \
  if (!CLOISTER_CONCAT_(cloister_try_v_, __LINE__))                                     \
    return ::cloister::Unexpected(CLOISTER_CONCAT_(cloister_try_v_, __LINE__).error()); \
  decl = std::move(*CLOISTER_CONCAT_(cloister_try_v_, __LINE__))
