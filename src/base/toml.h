// SPDX-License-Identifier: Apache-2.0
//
// toml++, included the one way the project uses it (header-only, see the
// top-level CMakeLists.txt). Include this, never <toml++/toml.h> directly.
//
// toml++ 3.3.0 (Debian 12) checks internal invariants with assert() in
// builds without NDEBUG, and one of them does not hold for hostile input: a
// table header such as `[[&x]]` reaches its key parser with a character the
// parser asserts cannot be there. Past the assertion its own code reports
// the input as malformed, which is what we want, so the assertions are
// turned off in every build (our sanitizer and fuzz builds keep NDEBUG
// unset for our own asserts). In NDEBUG builds toml++ would instead tell
// the compiler to *assume* the invariant; GCC 12 has no __builtin_assume, so
// the release build (g++) keeps the error path too.
#pragma once

#ifndef TOML_ASSERT
#define TOML_ASSERT(expr) static_assert(true)
#endif
#include <toml++/toml.h>
