// SPDX-License-Identifier: Apache-2.0
//
// A tiny WebAssembly binary writer for tests: enough sections to build the
// modules the runtime tests need without an external assembler.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "wasm/types.h"
#include "wasm_bytes.h"

namespace cloister::wasm::testing {

inline void put_u32(Bytes& out, uint32_t v) {
  const Bytes leb = leb_u32(v);
  out.insert(out.end(), leb.begin(), leb.end());
}

inline void put_s64(Bytes& out, int64_t v) {
  while (true) {
    const uint8_t b = v & 0x7f;
    v >>= 7;
    if ((v == 0 && !(b & 0x40)) || (v == -1 && (b & 0x40))) {
      out.push_back(b);
      return;
    }
    out.push_back(b | 0x80);
  }
}

inline void put_name(Bytes& out, const std::string& s) {
  put_u32(out, static_cast<uint32_t>(s.size()));
  out.insert(out.end(), s.begin(), s.end());
}

// Instruction helpers: each returns the encoded bytes.
inline Bytes i32_const(int32_t v) {
  Bytes b{0x41};
  put_s64(b, v);
  return b;
}
inline Bytes i64_const(int64_t v) {
  Bytes b{0x42};
  put_s64(b, v);
  return b;
}
inline Bytes op(std::initializer_list<uint8_t> bytes) {
  return Bytes(bytes);
}
inline Bytes with_u32(uint8_t opcode, uint32_t imm) {
  Bytes b{opcode};
  put_u32(b, imm);
  return b;
}
inline Bytes call_indirect(uint32_t type_index, uint32_t table_index) {
  Bytes b{0x11};
  put_u32(b, type_index);
  put_u32(b, table_index);
  return b;
}
inline Bytes local_get(uint32_t i) {
  return with_u32(0x20, i);
}
inline Bytes local_set(uint32_t i) {
  return with_u32(0x21, i);
}
inline Bytes call(uint32_t f) {
  return with_u32(0x10, f);
}
inline Bytes global_get(uint32_t g) {
  return with_u32(0x23, g);
}
inline Bytes global_set(uint32_t g) {
  return with_u32(0x24, g);
}
inline Bytes br_if(uint32_t depth) {
  return with_u32(0x0d, depth);
}
inline Bytes br(uint32_t depth) {
  return with_u32(0x0c, depth);
}
inline Bytes mem_op(uint8_t opcode, uint32_t align, uint32_t offset) {
  Bytes b{opcode};
  put_u32(b, align);
  put_u32(b, offset);
  return b;
}

// Concatenates instruction byte strings.
inline Bytes code(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

class ModuleBuilder {
 public:
  uint32_t type(std::vector<ValType> params, std::vector<ValType> results) {
    types_.push_back({std::move(params), std::move(results)});
    return static_cast<uint32_t>(types_.size() - 1);
  }
  uint32_t import_func(std::string module, std::string name, uint32_t type_index) {
    Bytes b;
    put_name(b, module);
    put_name(b, name);
    b.push_back(0x00);
    put_u32(b, type_index);
    imports_.push_back(std::move(b));
    return num_imported_funcs_++;
  }
  void import_memory(std::string module, std::string name, uint32_t min) {
    Bytes b;
    put_name(b, module);
    put_name(b, name);
    b.push_back(0x02);
    b.push_back(0x00);
    put_u32(b, min);
    imports_.push_back(std::move(b));
  }
  // Returns the function index (imports first).
  uint32_t func(uint32_t type_index, std::vector<ValType> locals, Bytes body,
                std::string export_name = {}, std::string debug_name = {}) {
    const uint32_t index = num_imported_funcs_ + static_cast<uint32_t>(funcs_.size());
    funcs_.push_back({type_index, std::move(locals), std::move(body)});
    if (!export_name.empty()) export_(export_name, 0x00, index);
    if (!debug_name.empty()) names_.emplace_back(index, std::move(debug_name));
    return index;
  }
  void import_table(std::string module, std::string name, uint32_t min) {
    Bytes b;
    put_name(b, module);
    put_name(b, name);
    b.push_back(0x01);
    b.push_back(0x70);  // funcref
    b.push_back(0x00);
    put_u32(b, min);
    imports_.push_back(std::move(b));
  }
  // A funcref table (the module's only one).
  void table(uint32_t min, std::string export_name = {}) {
    table_min_ = min;
    has_table_ = true;
    if (!export_name.empty()) export_(export_name, 0x01, 0);
  }
  // An active element segment of function indices at a constant offset of table 0.
  void elem(uint32_t offset, std::vector<uint32_t> funcs) {
    elems_.emplace_back(offset, std::move(funcs));
  }
  void memory(uint32_t min, std::string export_name = {}) {
    memory_min_ = min;
    has_memory_ = true;
    if (!export_name.empty()) export_(export_name, 0x02, 0);
  }
  uint32_t global(ValType t, bool mut, Bytes init, std::string export_name = {}) {
    Bytes b{static_cast<uint8_t>(t), static_cast<uint8_t>(mut ? 1 : 0)};
    b.insert(b.end(), init.begin(), init.end());
    b.push_back(0x0b);
    globals_.push_back(std::move(b));
    const auto index = static_cast<uint32_t>(globals_.size() - 1);
    if (!export_name.empty()) export_(export_name, 0x03, index);
    return index;
  }
  // An active data segment at a constant offset of memory 0.
  void data(uint32_t offset, std::string bytes) { datas_.emplace_back(offset, std::move(bytes)); }
  void start(uint32_t func_index) { start_ = func_index; }

  Bytes build() const {
    Bytes out{0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
    section(out, 1, types_.size(), [&](Bytes& s) {
      for (const auto& t : types_) {
        s.push_back(0x60);
        put_u32(s, static_cast<uint32_t>(t.first.size()));
        for (ValType v : t.first) s.push_back(static_cast<uint8_t>(v));
        put_u32(s, static_cast<uint32_t>(t.second.size()));
        for (ValType v : t.second) s.push_back(static_cast<uint8_t>(v));
      }
    });
    section(out, 2, imports_.size(), [&](Bytes& s) {
      for (const auto& i : imports_) s.insert(s.end(), i.begin(), i.end());
    });
    section(out, 3, funcs_.size(), [&](Bytes& s) {
      for (const auto& f : funcs_) put_u32(s, f.type_index);
    });
    if (has_table_) {
      section(out, 4, 1, [&](Bytes& s) {
        s.push_back(0x70);
        s.push_back(0x00);
        put_u32(s, table_min_);
      });
    }
    if (has_memory_) {
      section(out, 5, 1, [&](Bytes& s) {
        s.push_back(0x00);
        put_u32(s, memory_min_);
      });
    }
    section(out, 6, globals_.size(), [&](Bytes& s) {
      for (const auto& g : globals_) s.insert(s.end(), g.begin(), g.end());
    });
    section(out, 7, exports_.size(), [&](Bytes& s) {
      for (const auto& e : exports_) s.insert(s.end(), e.begin(), e.end());
    });
    if (start_) {
      Bytes s;
      put_u32(s, *start_);
      out.push_back(8);
      put_u32(out, static_cast<uint32_t>(s.size()));
      out.insert(out.end(), s.begin(), s.end());
    }
    section(out, 9, elems_.size(), [&](Bytes& s) {
      for (const auto& [offset, funcs] : elems_) {
        s.push_back(0x00);
        Bytes off = i32_const(static_cast<int32_t>(offset));
        s.insert(s.end(), off.begin(), off.end());
        s.push_back(0x0b);
        put_u32(s, static_cast<uint32_t>(funcs.size()));
        for (uint32_t f : funcs) put_u32(s, f);
      }
    });
    section(out, 10, funcs_.size(), [&](Bytes& s) {
      for (const auto& f : funcs_) {
        Bytes body;
        put_u32(body, static_cast<uint32_t>(f.locals.size()));
        for (ValType l : f.locals) {
          put_u32(body, 1);
          body.push_back(static_cast<uint8_t>(l));
        }
        body.insert(body.end(), f.body.begin(), f.body.end());
        body.push_back(0x0b);
        put_u32(s, static_cast<uint32_t>(body.size()));
        s.insert(s.end(), body.begin(), body.end());
      }
    });
    section(out, 11, datas_.size(), [&](Bytes& s) {
      for (const auto& [offset, bytes] : datas_) {
        s.push_back(0x00);
        Bytes off = i32_const(static_cast<int32_t>(offset));
        s.insert(s.end(), off.begin(), off.end());
        s.push_back(0x0b);
        put_name(s, bytes);
      }
    });
    if (!names_.empty()) {
      Bytes sub;
      put_u32(sub, static_cast<uint32_t>(names_.size()));
      for (const auto& [index, name] : names_) {
        put_u32(sub, index);
        put_name(sub, name);
      }
      Bytes s;
      put_name(s, "name");
      s.push_back(1);  // function names
      put_u32(s, static_cast<uint32_t>(sub.size()));
      s.insert(s.end(), sub.begin(), sub.end());
      out.push_back(0);
      put_u32(out, static_cast<uint32_t>(s.size()));
      out.insert(out.end(), s.begin(), s.end());
    }
    return out;
  }

 private:
  struct Func {
    uint32_t type_index;
    std::vector<ValType> locals;
    Bytes body;
  };
  void export_(const std::string& name, uint8_t kind, uint32_t index) {
    Bytes b;
    put_name(b, name);
    b.push_back(kind);
    put_u32(b, index);
    exports_.push_back(std::move(b));
  }
  template <typename Fill>
  static void section(Bytes& out, uint8_t id, size_t count, Fill fill) {
    if (count == 0) return;
    Bytes s;
    put_u32(s, static_cast<uint32_t>(count));
    fill(s);
    out.push_back(id);
    put_u32(out, static_cast<uint32_t>(s.size()));
    out.insert(out.end(), s.begin(), s.end());
  }

  std::vector<std::pair<std::vector<ValType>, std::vector<ValType>>> types_;
  std::vector<Bytes> imports_;
  uint32_t num_imported_funcs_ = 0;
  std::vector<Func> funcs_;
  bool has_table_ = false;
  uint32_t table_min_ = 0;
  std::vector<std::pair<uint32_t, std::vector<uint32_t>>> elems_;
  bool has_memory_ = false;
  uint32_t memory_min_ = 0;
  std::vector<Bytes> globals_;
  std::vector<Bytes> exports_;
  std::vector<std::pair<uint32_t, std::string>> datas_;
  std::vector<std::pair<uint32_t, std::string>> names_;
  std::optional<uint32_t> start_;
};

}  // namespace cloister::wasm::testing
