// SPDX-License-Identifier: Apache-2.0
//
// The `name` custom section (Core Specification 2.0, appendix 7.4): only the
// function-name subsection is kept, for trap messages and error reports.
// Custom sections never make a module malformed, so every failure here just
// means "no names".
#include "wasm/decoder.h"
#include "wasm/decoder_internal.h"

namespace cloister::wasm::detail {

namespace {

constexpr uint8_t kFunctionNamesSubsection = 1;

bool read_u32(ByteReader& r, uint32_t* out) {
  return read_leb_u32(r, out) == LebStatus::Ok;
}

}  // namespace

bool ModuleDecoder::name_section(ByteReader r) {
  int last_id = -1;
  while (!r.empty()) {
    uint8_t id;
    uint32_t size;
    ByteReader sub;
    if (!r.read_u8(&id) || !read_u32(r, &size) || !r.read_sub(size, &sub)) return false;
    if (static_cast<int>(id) <= last_id) return false;  // subsections are ordered, each once
    last_id = id;
    if (id != kFunctionNamesSubsection) continue;
    uint32_t n;
    if (!read_u32(sub, &n) || n > sub.remaining() / 2) return false;
    int64_t last_index = -1;
    for (uint32_t i = 0; i < n; ++i) {
      uint32_t index, len;
      std::span<const uint8_t> bytes;
      if (!read_u32(sub, &index) || !read_u32(sub, &len) || !sub.read_bytes(len, &bytes)) {
        return false;
      }
      if (static_cast<int64_t>(index) <= last_index) return false;  // sorted, unique
      last_index = index;
      if (!is_valid_utf8(bytes)) return false;
      m_.function_names.emplace(index, std::string(bytes.begin(), bytes.end()));
    }
    if (!sub.empty()) return false;
  }
  return true;
}

}  // namespace cloister::wasm::detail
