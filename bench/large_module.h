// SPDX-License-Identifier: Apache-2.0
//
// A large, valid WebAssembly module assembled directly in the binary format,
// for front-end throughput measurements: `functions` functions of type
// (i32, i32) -> i32, each with locals of three types, integer/float
// arithmetic, a counted loop, memory loads and stores, a br_table and a call
// to the previous function; `repeat` scales each body (about 90 bytes per
// repeat). The last function is exported as "run".
#pragma once

#include <cstdint>
#include <vector>

namespace cloister::bench {

std::vector<uint8_t> make_large_module(uint32_t functions, int repeat);

}  // namespace cloister::bench
