// SPDX-License-Identifier: Apache-2.0
//
// Module framing (magic, version, section order and sizes) and the sections
// made of types, imports and exports.
#include "wasm/decoder.h"

#include <array>
#include <cstdio>

#include "wasm/decoder_internal.h"
#include "wasm/instr_decoder.h"

namespace cloister::wasm {

namespace {

constexpr std::array<uint8_t, 4> kMagic = {0x00, 0x61, 0x73, 0x6d};
constexpr uint32_t kVersion = 1;

// Position of each known section id in the required order (section 5.5.2):
// DataCount (12) comes between Element (9) and Code (10).
constexpr std::array<uint8_t, 13> kSectionRank = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 10};
constexpr std::array<std::string_view, 13> kSectionName = {
    "custom", "type",  "import",  "function", "table", "memory",    "global",
    "export", "start", "element", "code",     "data",  "data count"};

}  // namespace

bool is_valid_utf8(std::span<const uint8_t> s) {
  size_t i = 0;
  while (i < s.size()) {
    const uint8_t b = s[i];
    if (b < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t cp;
    if ((b & 0xe0) == 0xc0) {
      len = 2;
      cp = b & 0x1f;
    } else if ((b & 0xf0) == 0xe0) {
      len = 3;
      cp = b & 0x0f;
    } else if ((b & 0xf8) == 0xf0) {
      len = 4;
      cp = b & 0x07;
    } else {
      return false;  // continuation byte first, or 0xf8..0xff
    }
    if (len > s.size() - i) return false;
    for (size_t k = 1; k < len; ++k) {
      if ((s[i + k] & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (s[i + k] & 0x3f);
    }
    constexpr uint32_t kMinForLength[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMinForLength[len]) return false;       // overlong
    if (cp >= 0xd800 && cp <= 0xdfff) return false;  // surrogate
    if (cp > 0x10ffff) return false;
    i += len;
  }
  return true;
}

namespace detail {

Unexpected ModuleDecoder::fail_at(size_t offset, std::string_view reason) const {
  char where[32];
  std::snprintf(where, sizeof where, "0x%zx", offset);
  std::string m = "malformed module: ";
  m += section_;
  if (section_ != "header") m += " section";
  if (function_index_) {
    m += ", function ";
    m += std::to_string(*function_index_);
  }
  m += ", offset ";
  m += where;
  m += ": ";
  m += reason;
  return Unexpected(std::move(m));
}

std::string_view ModuleDecoder::end_reason(const ByteReader& r) const {
  (void)r;
  return in_content_ ? "unexpected end of section or function" : "unexpected end";
}

Unexpected ModuleDecoder::leb_fail(const ByteReader& r, size_t at, LebStatus s) const {
  if (s == LebStatus::UnexpectedEnd) return fail_at(at, end_reason(r));
  return fail_at(at, to_string(s));
}

Result<uint8_t> ModuleDecoder::byte(ByteReader& r) {
  uint8_t b;
  if (!r.read_u8(&b)) return fail_at(r.offset(), end_reason(r));
  return b;
}

Result<uint32_t> ModuleDecoder::u32(ByteReader& r) {
  const size_t at = r.offset();
  uint32_t v = 0;
  const LebStatus s = read_leb_u32(r, &v);
  if (s != LebStatus::Ok) return leb_fail(r, at, s);
  return v;
}

Result<uint32_t> ModuleDecoder::count(ByteReader& r, uint64_t limit, std::string_view what) {
  const size_t at = r.offset();
  CLOISTER_TRY_ASSIGN(uint32_t n, u32(r));
  if (n > limit) {
    return fail_at(at, "too many " + std::string(what) + ": " + std::to_string(n) +
                           " exceeds the engine limit of " + std::to_string(limit));
  }
  return n;
}

Result<std::string> ModuleDecoder::name(ByteReader& r) {
  const size_t at = r.offset();
  CLOISTER_TRY_ASSIGN(uint32_t len, u32(r));
  std::span<const uint8_t> bytes;
  if (!r.read_bytes(len, &bytes)) {
    // The reference interpreter's wording for a name running past its section.
    return fail_at(at, std::string(end_reason(r)) + ": name of " + std::to_string(len) +
                           " bytes exceeds the " + std::to_string(r.remaining()) +
                           " bytes left (length out of bounds)");
  }
  if (!is_valid_utf8(bytes)) return fail_at(at, "malformed UTF-8 encoding");
  return std::string(bytes.begin(), bytes.end());
}

Result<ValType> ModuleDecoder::val_type(ByteReader& r) {
  const size_t at = r.offset();
  CLOISTER_TRY_ASSIGN(uint8_t b, byte(r));
  const auto t = decode_val_type(b);
  if (!t) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "malformed value type 0x%02x", b);
    return fail_at(at, buf);
  }
  if (*t == ValType::V128) return fail_at(at, "SIMD is not supported (v128 value type)");
  return *t;
}

Result<ValType> ModuleDecoder::ref_type(ByteReader& r) {
  const size_t at = r.offset();
  CLOISTER_TRY_ASSIGN(uint8_t b, byte(r));
  if (b != 0x70 && b != 0x6f) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "malformed reference type 0x%02x", b);
    return fail_at(at, buf);
  }
  return static_cast<ValType>(b);
}

Result<Limits> ModuleDecoder::limits(ByteReader& r) {
  const size_t at = r.offset();
  // The flags byte is read as a 1-bit LEB128 by the reference interpreter,
  // which the test suite's reasons follow.
  CLOISTER_TRY_ASSIGN(uint8_t flags, byte(r));
  if (flags & 0x80) return fail_at(at, "integer representation too long (limits flags)");
  if (flags > 1) {
    // 0x02/0x03 are shared memories (threads), 0x04+ memory64: not in 2.0.
    return fail_at(at, "integer too large: malformed limits flags " + std::to_string(flags));
  }
  Limits l;
  CLOISTER_TRY_ASSIGN(l.min, u32(r));
  if (flags == 1) {
    CLOISTER_TRY_ASSIGN(uint32_t max, u32(r));
    l.max = max;
  }
  return l;
}

Result<TableType> ModuleDecoder::table_type(ByteReader& r) {
  TableType t;
  CLOISTER_TRY_ASSIGN(t.elem, ref_type(r));
  CLOISTER_TRY_ASSIGN(t.limits, limits(r));
  return t;
}

Result<MemoryType> ModuleDecoder::memory_type(ByteReader& r) {
  MemoryType t;
  CLOISTER_TRY_ASSIGN(t.limits, limits(r));
  return t;
}

Result<GlobalType> ModuleDecoder::global_type(ByteReader& r) {
  GlobalType t;
  CLOISTER_TRY_ASSIGN(t.type, val_type(r));
  const size_t at = r.offset();
  CLOISTER_TRY_ASSIGN(uint8_t mut, byte(r));
  if (mut > 1) return fail_at(at, "malformed mutability");
  t.mutable_ = mut == 1;
  return t;
}

Result<void> ModuleDecoder::run() {
  ByteReader r(m_.binary);
  if (m_.binary.size() > limits_.max_module_size) {
    return fail_at(0, "module of " + std::to_string(m_.binary.size()) +
                          " bytes exceeds the engine limit of " +
                          std::to_string(limits_.max_module_size));
  }
  std::span<const uint8_t> magic;
  if (!r.read_bytes(4, &magic)) {
    return fail_at(0, "unexpected end: a module starts with 8 bytes of magic and version");
  }
  if (!std::equal(magic.begin(), magic.end(), kMagic.begin())) {
    return fail_at(0, "magic header not detected");
  }
  uint32_t version;
  if (!r.read_u32le(&version)) return fail_at(4, "unexpected end");
  if (version != kVersion) return fail_at(4, "unknown binary version " + std::to_string(version));

  uint8_t last_rank = 0;
  while (!r.empty()) {
    section_ = "header";
    const size_t header_at = r.offset();
    uint8_t id;
    if (!r.read_u8(&id)) return fail_at(header_at, "unexpected end");
    if (id >= kSectionRank.size()) {
      return fail_at(header_at, "malformed section id " + std::to_string(id));
    }
    section_ = kSectionName[id];
    const size_t size_at = r.offset();
    CLOISTER_TRY_ASSIGN(uint32_t size, u32(r));
    ByteReader content;
    if (!r.read_sub(size, &content)) {
      return fail_at(size_at, "unexpected end: section size " + std::to_string(size) +
                                  " exceeds the " + std::to_string(r.remaining()) +
                                  " bytes left (length out of bounds)");
    }
    if (id != 0) {
      const uint8_t rank = kSectionRank[id];
      if (rank <= last_rank) {
        return fail_at(header_at,
                       "unexpected content after last section (section out of order or "
                       "repeated)");
      }
      last_rank = rank;
    }
    in_content_ = true;
    switch (id) {
      case 0:
        CLOISTER_TRY(custom_section(content));
        break;
      case 1:
        CLOISTER_TRY(type_section(content));
        break;
      case 2:
        CLOISTER_TRY(import_section(content));
        break;
      case 3:
        CLOISTER_TRY(function_section(content));
        break;
      case 4:
        CLOISTER_TRY(table_section(content));
        break;
      case 5:
        CLOISTER_TRY(memory_section(content));
        break;
      case 6:
        CLOISTER_TRY(global_section(content));
        break;
      case 7:
        CLOISTER_TRY(export_section(content));
        break;
      case 8:
        CLOISTER_TRY(start_section(content));
        break;
      case 9:
        CLOISTER_TRY(element_section(content));
        break;
      case 10:
        CLOISTER_TRY(code_section(content));
        break;
      case 11:
        CLOISTER_TRY(data_section(content));
        break;
      case 12:
        CLOISTER_TRY(data_count_section(content));
        break;
    }
    function_index_.reset();
    in_content_ = false;
    if (!content.empty()) {
      return fail_at(content.offset(),
                     "section size mismatch: " + std::to_string(content.remaining()) +
                         " bytes left unread at the end of the section");
    }
  }

  // Count mismatches are reported after all sections were read, as the
  // reference interpreter does (so an out-of-order section wins).
  section_ = "code";
  const size_t code_count = code_count_ ? code_count_->count : 0;
  if (code_count != m_.functions.size()) {
    return fail_at(code_count_ ? code_count_->offset : m_.binary.size(),
                   "function and code section have inconsistent lengths: " +
                       std::to_string(m_.functions.size()) + " functions, " +
                       std::to_string(code_count) + " code entries");
  }
  section_ = "data";
  const size_t data_count = data_count_seen_ ? data_count_seen_->count : 0;
  if (m_.data_count && *m_.data_count != data_count) {
    return fail_at(
        data_count_seen_ ? data_count_seen_->offset : m_.binary.size(),
        "data count and data section have inconsistent lengths: " + std::to_string(*m_.data_count) +
            " announced, " + std::to_string(data_count) + " segments");
  }
  return ok();
}

Result<void> ModuleDecoder::custom_section(ByteReader& r) {
  CLOISTER_TRY_ASSIGN(std::string section_name, name(r));
  if (section_name == "name") {
    if (!name_section(r)) m_.function_names.clear();
  }
  r.skip(r.remaining());  // custom contents are not interpreted
  return ok();
}

Result<void> ModuleDecoder::type_section(ByteReader& r) {
  CLOISTER_TRY_ASSIGN(uint32_t n, count(r, limits_.max_types, "types"));
  m_.types.reserve(capped(n, r));
  for (uint32_t i = 0; i < n; ++i) {
    const size_t at = r.offset();
    CLOISTER_TRY_ASSIGN(uint8_t form, byte(r));
    if (form & 0x80) {
      // The form is an s7 in the reference interpreter: a continuation bit
      // makes it a too-long encoding of some negative number.
      return fail_at(at, "integer representation too long (function type form)");
    }
    if (form != 0x60) {
      char buf[80];
      std::snprintf(buf, sizeof buf, "malformed function type: expected 0x60, got 0x%02x", form);
      return fail_at(at, buf);
    }
    FuncType t;
    CLOISTER_TRY_ASSIGN(uint32_t np, count(r, limits_.max_params, "parameters"));
    t.params.reserve(capped(np, r));
    for (uint32_t k = 0; k < np; ++k) {
      CLOISTER_TRY_ASSIGN(ValType v, val_type(r));
      t.params.push_back(v);
    }
    CLOISTER_TRY_ASSIGN(uint32_t nr, count(r, limits_.max_results, "results"));
    t.results.reserve(capped(nr, r));
    for (uint32_t k = 0; k < nr; ++k) {
      CLOISTER_TRY_ASSIGN(ValType v, val_type(r));
      t.results.push_back(v);
    }
    m_.types.push_back(std::move(t));
  }
  return ok();
}

Result<void> ModuleDecoder::import_section(ByteReader& r) {
  CLOISTER_TRY_ASSIGN(uint32_t n, count(r, limits_.max_imports, "imports"));
  m_.imports.reserve(capped(n, r));
  for (uint32_t i = 0; i < n; ++i) {
    Import imp;
    CLOISTER_TRY_ASSIGN(imp.module, name(r));
    CLOISTER_TRY_ASSIGN(imp.name, name(r));
    const size_t kind_at = r.offset();
    CLOISTER_TRY_ASSIGN(uint8_t kind, byte(r));
    const auto index = static_cast<uint32_t>(m_.imports.size());
    switch (kind) {
      case 0: {
        imp.kind = ExternKind::Func;
        CLOISTER_TRY_ASSIGN(imp.type_index, u32(r));
        m_.func_imports.push_back(index);
        break;
      }
      case 1: {
        imp.kind = ExternKind::Table;
        CLOISTER_TRY_ASSIGN(imp.table, table_type(r));
        m_.table_imports.push_back(index);
        break;
      }
      case 2: {
        imp.kind = ExternKind::Memory;
        CLOISTER_TRY_ASSIGN(imp.memory, memory_type(r));
        m_.memory_imports.push_back(index);
        break;
      }
      case 3: {
        imp.kind = ExternKind::Global;
        CLOISTER_TRY_ASSIGN(imp.global, global_type(r));
        m_.global_imports.push_back(index);
        break;
      }
      default:
        return fail_at(kind_at, "malformed import kind " + std::to_string(kind));
    }
    m_.imports.push_back(std::move(imp));
  }
  // Each import kind's count is bounded by the total, itself bounded above.
  m_.num_imported_funcs = static_cast<uint32_t>(m_.func_imports.size());
  m_.num_imported_tables = static_cast<uint32_t>(m_.table_imports.size());
  m_.num_imported_memories = static_cast<uint32_t>(m_.memory_imports.size());
  m_.num_imported_globals = static_cast<uint32_t>(m_.global_imports.size());
  if (m_.num_imported_funcs > limits_.max_functions ||
      m_.num_imported_globals > limits_.max_globals ||
      m_.num_imported_tables > limits_.max_tables ||
      m_.num_imported_memories > limits_.max_memories) {
    return fail_at(r.offset(), "too many imported functions, globals, tables or memories");
  }
  return ok();
}

Result<void> ModuleDecoder::function_section(ByteReader& r) {
  CLOISTER_TRY_ASSIGN(
      uint32_t n, count(r, uint64_t{limits_.max_functions} - m_.num_imported_funcs, "functions"));
  m_.functions.reserve(capped(n, r));
  for (uint32_t i = 0; i < n; ++i) {
    Function f;
    CLOISTER_TRY_ASSIGN(f.type_index, u32(r));
    m_.functions.push_back(f);
  }
  return ok();
}

Result<void> ModuleDecoder::table_section(ByteReader& r) {
  CLOISTER_TRY_ASSIGN(uint32_t n,
                      count(r, uint64_t{limits_.max_tables} - m_.num_imported_tables, "tables"));
  m_.tables.reserve(capped(n, r));
  for (uint32_t i = 0; i < n; ++i) {
    CLOISTER_TRY_ASSIGN(TableType t, table_type(r));
    m_.tables.push_back(t);
  }
  return ok();
}

Result<void> ModuleDecoder::memory_section(ByteReader& r) {
  CLOISTER_TRY_ASSIGN(
      uint32_t n, count(r, uint64_t{limits_.max_memories} - m_.num_imported_memories, "memories"));
  m_.memories.reserve(capped(n, r));
  for (uint32_t i = 0; i < n; ++i) {
    CLOISTER_TRY_ASSIGN(MemoryType t, memory_type(r));
    m_.memories.push_back(t);
  }
  return ok();
}

Result<void> ModuleDecoder::global_section(ByteReader& r) {
  CLOISTER_TRY_ASSIGN(uint32_t n,
                      count(r, uint64_t{limits_.max_globals} - m_.num_imported_globals, "globals"));
  m_.globals.reserve(capped(n, r));
  for (uint32_t i = 0; i < n; ++i) {
    Global g;
    CLOISTER_TRY_ASSIGN(g.type, global_type(r));
    CLOISTER_TRY_ASSIGN(g.init, const_expr(r));
    m_.globals.push_back(g);
  }
  return ok();
}

Result<void> ModuleDecoder::export_section(ByteReader& r) {
  CLOISTER_TRY_ASSIGN(uint32_t n, count(r, limits_.max_exports, "exports"));
  m_.exports.reserve(capped(n, r));
  for (uint32_t i = 0; i < n; ++i) {
    Export e;
    CLOISTER_TRY_ASSIGN(e.name, name(r));
    const size_t kind_at = r.offset();
    CLOISTER_TRY_ASSIGN(uint8_t kind, byte(r));
    if (kind > 3) return fail_at(kind_at, "malformed export kind " + std::to_string(kind));
    e.kind = static_cast<ExternKind>(kind);
    CLOISTER_TRY_ASSIGN(e.index, u32(r));
    m_.exports.push_back(std::move(e));
  }
  return ok();
}

Result<void> ModuleDecoder::start_section(ByteReader& r) {
  CLOISTER_TRY_ASSIGN(uint32_t index, u32(r));
  m_.start = index;
  return ok();
}

Result<void> ModuleDecoder::data_count_section(ByteReader& r) {
  CLOISTER_TRY_ASSIGN(uint32_t n, u32(r));
  m_.data_count = n;
  return ok();
}

}  // namespace detail

Result<Module> decode_module(std::span<const uint8_t> bytes, const EngineLimits& limits) {
  Module m;
  if (bytes.size() > limits.max_module_size) {
    return fail("malformed module: header, offset 0x0: module of ", bytes.size(),
                " bytes exceeds the engine limit of ", limits.max_module_size);
  }
  m.binary.assign(bytes.begin(), bytes.end());
  detail::ModuleDecoder decoder(m, limits);
  CLOISTER_TRY(decoder.run());
  return m;
}

}  // namespace cloister::wasm
