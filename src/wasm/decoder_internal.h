// SPDX-License-Identifier: Apache-2.0
//
// The decoder's working state, shared by its translation units (framing and
// simple sections in decoder.cc, segments and code in decoder_segments.cc,
// the name section in decoder_names.cc). Not part of the public interface.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/byte_reader.h"
#include "base/result.h"
#include "wasm/leb128.h"
#include "wasm/limits.h"
#include "wasm/module.h"

namespace cloister::wasm::detail {

class ModuleDecoder {
 public:
  ModuleDecoder(Module& module, const EngineLimits& limits) : m_(module), limits_(limits) {}

  // Decodes m_.binary into m_.
  Result<void> run();

 private:
  // --- errors ---
  // "malformed module: <section> section[, function N], offset 0x..: <reason>"
  Unexpected fail_at(size_t offset, std::string_view reason) const;
  // The spec distinguishes running out of the whole input ("unexpected end")
  // from running out of a section or function body.
  std::string_view end_reason(const ByteReader& r) const;
  Unexpected leb_fail(const ByteReader& r, size_t at, LebStatus s) const;

  // --- primitive readers (section 5.1-5.3) ---
  Result<uint8_t> byte(ByteReader& r);
  Result<uint32_t> u32(ByteReader& r);
  // A vector length, checked against the engine limit `limit`.
  // Only `limit` is checked here: the elements are read one by one and the
  // reader runs out first when the count is a lie. Callers reserve at most
  // capped(n, r), so a huge count never allocates more than the input size.
  Result<uint32_t> count(ByteReader& r, uint64_t limit, std::string_view what);
  static size_t capped(uint32_t n, const ByteReader& r) {
    return n < r.remaining() ? n : r.remaining();
  }
  Result<std::string> name(ByteReader& r);
  Result<ValType> val_type(ByteReader& r);
  Result<ValType> ref_type(ByteReader& r);
  Result<Limits> limits(ByteReader& r);
  Result<TableType> table_type(ByteReader& r);
  Result<MemoryType> memory_type(ByteReader& r);
  Result<GlobalType> global_type(ByteReader& r);
  Result<ConstExpr> const_expr(ByteReader& r);

  // --- sections ---
  Result<void> custom_section(ByteReader& r);
  Result<void> type_section(ByteReader& r);
  Result<void> import_section(ByteReader& r);
  Result<void> function_section(ByteReader& r);
  Result<void> table_section(ByteReader& r);
  Result<void> memory_section(ByteReader& r);
  Result<void> global_section(ByteReader& r);
  Result<void> export_section(ByteReader& r);
  Result<void> start_section(ByteReader& r);
  Result<void> element_section(ByteReader& r);
  Result<void> data_count_section(ByteReader& r);
  Result<void> code_section(ByteReader& r);
  Result<void> data_section(ByteReader& r);
  Result<void> code_entry(ByteReader& r, uint32_t defined_index, size_t section_end);
  // Decodes the instruction syntax of a body (malformed bodies are malformed
  // modules); typing is left to the validator.
  Result<void> check_body_syntax(const Function& f, bool body_ends_section);
  Result<ElemSegment> elem_segment(ByteReader& r);
  Result<DataSegment> data_segment(ByteReader& r);

  // Parses the `name` custom section's function names into m_; returns false
  // (and leaves function_names empty) on any malformation, which the spec
  // says must not make the module malformed.
  bool name_section(ByteReader r);

  Module& m_;
  const EngineLimits& limits_;
  std::string_view section_ = "header";
  std::optional<uint32_t> function_index_;  // while decoding a code entry
  bool in_content_ = false;  // inside a section's contents (for end-of-input reasons)
  struct SeenCount {
    size_t count;
    size_t offset;
  };
  std::optional<SeenCount> code_count_;       // entries of the code section, if any
  std::optional<SeenCount> data_count_seen_;  // segments of the data section, if any
};

}  // namespace cloister::wasm::detail
