// SPDX-License-Identifier: Apache-2.0
//
// The code section: each entry's locals and the instruction syntax of its
// body. Bodies are kept as byte ranges (Function::body); decoding their
// instructions here as well makes every malformed body a decoding error, in
// binary order, as the spec's decoder reports them. Typing is the
// validator's job.
#include <vector>

#include "wasm/decoder_internal.h"
#include "wasm/instr_decoder.h"

namespace cloister::wasm::detail {

Result<void> ModuleDecoder::code_section(ByteReader& r) {
  const size_t at = r.offset();
  CLOISTER_TRY_ASSIGN(uint32_t n, count(r, limits_.max_functions, "code entries"));
  code_count_ = SeenCount{n, at};
  if (n != m_.functions.size()) {
    // Reported after the remaining sections were read (see run()).
    r.skip(r.remaining());
    return ok();
  }
  const size_t section_end = r.offset() + r.remaining();
  for (uint32_t i = 0; i < n; ++i) CLOISTER_TRY(code_entry(r, i, section_end));
  return ok();
}

Result<void> ModuleDecoder::code_entry(ByteReader& r, uint32_t defined_index, size_t section_end) {
  function_index_ = m_.num_imported_funcs + defined_index;
  const size_t size_at = r.offset();
  CLOISTER_TRY_ASSIGN(uint32_t size, u32(r));
  if (size > limits_.max_function_body_size) {
    return fail_at(size_at, "function body of " + std::to_string(size) +
                                " bytes exceeds the engine limit of " +
                                std::to_string(limits_.max_function_body_size));
  }
  ByteReader body;
  if (!r.read_sub(size, &body)) {
    return fail_at(size_at, std::string(end_reason(r)) + ": function body of " +
                                std::to_string(size) + " bytes exceeds the " +
                                std::to_string(r.remaining()) + " bytes left");
  }
  Function& f = m_.functions[defined_index];
  CLOISTER_TRY_ASSIGN(uint32_t groups,
                      count(body, limits_.max_locals_per_function, "local declarations"));
  f.locals.reserve(capped(groups, body));
  uint64_t total = 0;
  for (uint32_t g = 0; g < groups; ++g) {
    const size_t group_at = body.offset();
    LocalGroup group;
    CLOISTER_TRY_ASSIGN(group.count, u32(body));
    total += group.count;
    if (total > UINT32_MAX) return fail_at(group_at, "too many locals: more than 2^32-1");
    if (total > limits_.max_locals_per_function) {
      return fail_at(group_at, "too many locals: " + std::to_string(total) +
                                   " exceeds the engine limit of " +
                                   std::to_string(limits_.max_locals_per_function));
    }
    CLOISTER_TRY_ASSIGN(group.type, val_type(body));
    f.locals.push_back(group);
  }
  f.local_count = total;
  f.body_offset = body.offset();
  f.body = body.rest();
  body.skip(body.remaining());
  CLOISTER_TRY(check_body_syntax(f, f.body_offset + f.body.size() == section_end));
  function_index_.reset();
  return ok();
}

Result<void> ModuleDecoder::check_body_syntax(const Function& f, bool body_ends_section) {
  // The structure of blocks is syntax: `else` only directly inside an `if`
  // (once), and every block closed by `end` before the body ends.
  enum class Open : uint8_t { Block, If, Else };
  std::vector<Open> open;
  open.push_back(Open::Block);  // the function's own block
  InstrDecoder d(ByteReader(f.body, f.body_offset), limits_);
  Instr in;
  while (!open.empty()) {
    if (!d.next(&in)) {
      const InstrError& e = d.error();
      if (e.reason != "unexpected end") return fail_at(e.offset, e.reason);
      // Running out of the body is reported as the reference interpreter
      // does: it reads on into the next entry unless the section ends.
      return fail_at(e.offset, body_ends_section ? "unexpected end of section or function"
                                                 : "END opcode expected");
    }
    switch (in.op) {
      case Opcode::Block:
      case Opcode::Loop:
        open.push_back(Open::Block);
        break;
      case Opcode::If:
        open.push_back(Open::If);
        break;
      case Opcode::Else:
        if (open.back() != Open::If) return fail_at(in.offset, "else without a matching if");
        open.back() = Open::Else;
        break;
      case Opcode::End:
        open.pop_back();
        break;
      default:
        break;
    }
  }
  if (!d.at_end()) {
    return fail_at(d.offset(), "section size mismatch: " +
                                   std::to_string(f.body_offset + f.body.size() - d.offset()) +
                                   " bytes after the function's final end");
  }
  return ok();
}

}  // namespace cloister::wasm::detail
