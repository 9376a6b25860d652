// SPDX-License-Identifier: Apache-2.0
#include "large_module.h"

namespace cloister::bench {
namespace {

void put_uleb(std::vector<uint8_t>& out, uint64_t v) {
  do {
    uint8_t b = v & 0x7f;
    v >>= 7;
    out.push_back(v ? (b | 0x80) : b);
  } while (v);
}

void put_sleb(std::vector<uint8_t>& out, int64_t v) {
  for (;;) {
    uint8_t b = v & 0x7f;
    v >>= 7;
    bool done = (v == 0 && !(b & 0x40)) || (v == -1 && (b & 0x40));
    out.push_back(done ? b : (b | 0x80));
    if (done) return;
  }
}

void put_section(std::vector<uint8_t>& out, uint8_t id, const std::vector<uint8_t>& body) {
  out.push_back(id);
  put_uleb(out, body.size());
  out.insert(out.end(), body.begin(), body.end());
}

// Body of function `index` of type (i32, i32) -> i32 with locals i32, i64,
// f64: arithmetic of every numeric type, a counted loop, memory accesses, a
// br_table and a call to the previous function. `repeat` scales its size.
std::vector<uint8_t> function_body(uint32_t index, int repeat) {
  std::vector<uint8_t> b;
  b.push_back(3);  // local groups
  b.insert(b.end(), {1, 0x7f, 1, 0x7e, 1, 0x7c});
  for (int r = 0; r < repeat; ++r) {
    // local2 = local0 + local1 * r
    b.insert(b.end(), {0x20, 0, 0x20, 1, 0x41});
    put_sleb(b, r + 3);
    b.insert(b.end(), {0x6c, 0x6a, 0x21, 2});
    // block { loop { local2 -= 1; br_if loop (local2 > 0 && local2 < 4) } }
    b.insert(b.end(), {0x02, 0x40, 0x03, 0x40, 0x20, 2, 0x41, 1, 0x6b, 0x22, 2, 0x41, 4, 0x49, 0x0d,
                       0, 0x0b, 0x0b});
    // mem[local0 & 0xfff + 4] = mem[local1 & 0xfff + 8]
    b.insert(b.end(), {0x20, 0, 0x41});
    put_sleb(b, 0xfff);
    b.insert(b.end(), {0x71, 0x20, 1, 0x41});
    put_sleb(b, 0xfff);
    b.insert(b.end(), {0x71, 0x28, 2, 8, 0x36, 2, 4});
    // local3 = local3 * 12345 + (i64)local2
    b.insert(b.end(), {0x20, 3, 0x42});
    put_sleb(b, 12345);
    b.insert(b.end(), {0x7e, 0x20, 2, 0xac, 0x7c, 0x21, 3});
    // local4 = sqrt(local4 + 1.5)
    b.insert(b.end(), {0x20, 4, 0x44, 0, 0, 0, 0, 0, 0, 0xf8, 0x3f, 0xa0, 0x9f, 0x21, 4});
    // block { block { br_table 0 1 (local2 & 1) } }
    b.insert(b.end(), {0x02, 0x40, 0x02, 0x40, 0x20, 2, 0x41, 1, 0x71, 0x0e, 1, 0, 1, 0x0b, 0x0b});
  }
  if (index > 0) {
    b.insert(b.end(), {0x20, 0, 0x20, 1, 0x10});
    put_uleb(b, index - 1);
    b.push_back(0x1a);  // drop
  }
  b.insert(b.end(), {0x20, 2, 0x0b});
  std::vector<uint8_t> sized;
  put_uleb(sized, b.size());
  sized.insert(sized.end(), b.begin(), b.end());
  return sized;
}

}  // namespace

std::vector<uint8_t> make_large_module(uint32_t functions, int repeat) {
  std::vector<uint8_t> m = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
  put_section(m, 1, {1, 0x60, 2, 0x7f, 0x7f, 1, 0x7f});  // type (i32 i32) -> i32
  std::vector<uint8_t> funcs;
  put_uleb(funcs, functions);
  for (uint32_t i = 0; i < functions; ++i) funcs.push_back(0);
  put_section(m, 3, funcs);
  put_section(m, 5, {1, 0, 1});  // memory 1
  std::vector<uint8_t> exports = {1, 3, 'r', 'u', 'n', 0};
  put_uleb(exports, functions - 1);
  put_section(m, 7, exports);
  std::vector<uint8_t> code;
  put_uleb(code, functions);
  for (uint32_t i = 0; i < functions; ++i) {
    auto body = function_body(i, repeat);
    code.insert(code.end(), body.begin(), body.end());
  }
  put_section(m, 10, code);
  return m;
}

}  // namespace cloister::bench
