// SPDX-License-Identifier: Apache-2.0
#include "wasm/decoder.h"

#include <gtest/gtest.h>

#include <string>

#include "wasm_bytes.h"

namespace cloister::wasm {
namespace {

using namespace testing;  // NOLINT: the byte-building helpers

std::string decode_error(const Bytes& bytes, const EngineLimits& limits = {}) {
  auto m = decode_module(bytes, limits);
  if (m) return "<decoded>";
  return m.error().message();
}

#define EXPECT_ERROR_HAS(bytes, text) \
  EXPECT_NE(decode_error(bytes).find(text), std::string::npos) << decode_error(bytes)

TEST(DecoderTest, EmptyModule) {
  auto m = decode_module(kHeader);
  ASSERT_TRUE(m) << m.error().message();
  EXPECT_TRUE(m->types.empty());
  EXPECT_EQ(m->binary, kHeader);
}

TEST(DecoderTest, Header) {
  EXPECT_ERROR_HAS(Bytes{}, "unexpected end");
  EXPECT_ERROR_HAS((Bytes{0x00, 0x61, 0x73}), "unexpected end");
  EXPECT_ERROR_HAS((Bytes{0x00, 0x61, 0x73, 0x6e, 1, 0, 0, 0}), "magic header not detected");
  EXPECT_ERROR_HAS((Bytes{0x00, 0x61, 0x73, 0x6d, 2, 0, 0, 0}), "unknown binary version");
  EXPECT_ERROR_HAS((Bytes{0x00, 0x61, 0x73, 0x6d, 1, 0}), "unexpected end");
}

TEST(DecoderTest, ErrorNamesSectionAndOffset) {
  // Type section whose only type has form 0x61 instead of 0x60, at offset 0xb.
  const Bytes bytes = module({section(1, Bytes{0x01, 0x61, 0x00, 0x00})});
  EXPECT_EQ(decode_error(bytes),
            "malformed module: type section, offset 0xb: malformed function type: expected 0x60, "
            "got 0x61");
}

TEST(DecoderTest, SectionFraming) {
  EXPECT_ERROR_HAS(module({section(13, {})}), "malformed section id");
  EXPECT_ERROR_HAS(module({section(1, vec({})), section(1, vec({}))}),
                   "unexpected content after last section");
  // Element (9) after Code (10) is out of order; DataCount (12) before Code is fine.
  EXPECT_ERROR_HAS(module({section(10, vec({})), section(9, vec({}))}),
                   "unexpected content after last section");
  EXPECT_TRUE(decode_module(module({section(12, Bytes{0}), section(10, vec({}))})));
  // A section claiming more bytes than it holds, and one with bytes left over.
  EXPECT_ERROR_HAS(module({Bytes{1, 5, 0}}), "unexpected end");
  EXPECT_ERROR_HAS(module({section(1, Bytes{0x00, 0x00})}), "section size mismatch");
  // Custom sections may appear anywhere, even between ordered sections.
  EXPECT_TRUE(
      decode_module(module({section(1, vec({})), section(0, name("x")), section(3, vec({}))})));
}

TEST(DecoderTest, TypesAndSimdRefusal) {
  auto m = decode_module(module(
      {section(1, vec({func_type({I32, F64}, {I64}), func_type({}, {FUNCREF, EXTERNREF})}))}));
  ASSERT_TRUE(m) << m.error().message();
  ASSERT_EQ(m->types.size(), 2u);
  EXPECT_EQ(m->types[0].params, (std::vector<ValType>{ValType::I32, ValType::F64}));
  EXPECT_EQ(m->types[1].results, (std::vector<ValType>{ValType::FuncRef, ValType::ExternRef}));
  EXPECT_ERROR_HAS(module({section(1, vec({func_type({0x7b}, {})}))}), "SIMD is not supported");
  EXPECT_ERROR_HAS(module({section(1, vec({func_type({0x7a}, {})}))}), "malformed value type");
}

TEST(DecoderTest, HugeCountsDoNotAllocate) {
  // 2^32-1 types announced in a 5-byte section: must fail, not reserve.
  EXPECT_ERROR_HAS(module({section(1, Bytes{0xff, 0xff, 0xff, 0xff, 0x0f})}), "too many types");
  EngineLimits generous;
  generous.max_types = UINT32_MAX;
  EXPECT_NE(decode_error(module({section(1, Bytes{0xff, 0xff, 0xff, 0xff, 0x0f})}), generous)
                .find("unexpected end of section or function"),
            std::string::npos);
  // The same for functions, locals and data segments.
  EXPECT_ERROR_HAS(module({section(3, Bytes{0xff, 0xff, 0xff, 0xff, 0x0f})}), "too many functions");
  EXPECT_ERROR_HAS(module({section(11, Bytes{0xff, 0xff, 0xff, 0xff, 0x0f})}),
                   "too many data segments");
}

TEST(DecoderTest, Imports) {
  const Bytes imports = vec({
      cat({name("env"), name("f"), Bytes{0x00, 0x00}}),                 // func type 0
      cat({name("env"), name("t"), Bytes{0x01, FUNCREF, 0x01, 1, 2}}),  // table 1..2
      cat({name("env"), name("m"), Bytes{0x02, 0x00, 3}}),              // memory 3..
      cat({name("env"), name("g"), Bytes{0x03, I64, 0x01}}),            // mut i64
      cat({name("env"), name("f2"), Bytes{0x00, 0x00}}),
  });
  auto m = decode_module(module({section(1, vec({func_type({I32}, {})})), section(2, imports)}));
  ASSERT_TRUE(m) << m.error().message();
  EXPECT_EQ(m->num_imported_funcs, 2u);
  EXPECT_EQ(m->num_imported_tables, 1u);
  EXPECT_EQ(m->num_imported_memories, 1u);
  EXPECT_EQ(m->num_imported_globals, 1u);
  EXPECT_EQ(m->func_type(1).params, std::vector<ValType>{ValType::I32});
  EXPECT_EQ(m->table_type(0).limits, (Limits{1, 2}));
  EXPECT_EQ(m->memory_type(0).limits.min, 3u);
  EXPECT_FALSE(m->memory_type(0).limits.max);
  EXPECT_EQ(m->global_type(0), (GlobalType{ValType::I64, true}));
  EXPECT_EQ(m->imports[4].name, "f2");
  // Out-of-range accessors are harmless.
  EXPECT_TRUE(m->func_type(99).params.empty());

  EXPECT_ERROR_HAS(module({section(2, vec({cat({name("a"), name("b"), Bytes{0x04, 0}})}))}),
                   "malformed import kind");
  EXPECT_ERROR_HAS(module({section(2, vec({cat({name("a"), name("b"), Bytes{0x03, I32, 2}})}))}),
                   "malformed mutability");
  EXPECT_ERROR_HAS(module({section(2, vec({cat({name("a"), name("b"), Bytes{0x02, 0x02, 0}})}))}),
                   "integer too large");
  EXPECT_ERROR_HAS(module({section(2, vec({cat({name("a"), name("b"), Bytes{0x01, I32, 0, 0}})}))}),
                   "malformed reference type");
}

TEST(DecoderTest, Utf8Names) {
  EXPECT_TRUE(is_valid_utf8(Bytes{'a', 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80}));
  EXPECT_FALSE(is_valid_utf8(Bytes{0xc0, 0x80}));              // overlong NUL
  EXPECT_FALSE(is_valid_utf8(Bytes{0xed, 0xa0, 0x80}));        // surrogate U+D800
  EXPECT_FALSE(is_valid_utf8(Bytes{0xf4, 0x90, 0x80, 0x80}));  // above U+10FFFF
  EXPECT_FALSE(is_valid_utf8(Bytes{0xe2, 0x82}));              // truncated
  EXPECT_FALSE(is_valid_utf8(Bytes{0x80}));                    // stray continuation
  const Bytes bad_name = {0x02, 0xc0, 0x80};
  EXPECT_ERROR_HAS(module({section(0, bad_name)}), "malformed UTF-8 encoding");
  EXPECT_ERROR_HAS(module({section(7, vec({cat({bad_name, Bytes{0x00, 0x00}})}))}),
                   "malformed UTF-8 encoding");
}

TEST(DecoderTest, CodeAndLocals) {
  const Bytes locals = vec({Bytes{2, I32}, Bytes{1, F64}});
  const Bytes body = {0x20, 0x02, 0x1a, 0x0b};  // local.get 2, drop, end
  const Bytes bytes = module({section(1, vec({func_type({}, {})})), section(3, vec({Bytes{0}})),
                              section(10, vec({code_entry(locals, body)}))});
  auto m = decode_module(bytes);
  ASSERT_TRUE(m) << m.error().message();
  ASSERT_EQ(m->functions.size(), 1u);
  const Function& f = m->functions[0];
  EXPECT_EQ(f.local_count, 3u);
  ASSERT_EQ(f.locals.size(), 2u);
  EXPECT_EQ(f.locals[1].type, ValType::F64);
  EXPECT_EQ(Bytes(f.body.begin(), f.body.end()), body);
  // The body is a view into the module's own copy of the binary.
  EXPECT_EQ(f.body.data(), m->binary.data() + f.body_offset);
  EXPECT_EQ(f.body_offset, bytes.size() - body.size());
}

TEST(DecoderTest, CountMismatches) {
  EXPECT_ERROR_HAS(module({section(1, vec({func_type({}, {})})), section(3, vec({Bytes{0}}))}),
                   "function and code section have inconsistent lengths");
  EXPECT_ERROR_HAS(one_type_module(func_type({}, {}), {Bytes{0x0b}}, {section(12, Bytes{1})}),
                   "data count and data section have inconsistent lengths");
  EXPECT_ERROR_HAS(module({section(12, Bytes{2}), section(11, vec({cat({Bytes{1}, name("")})}))}),
                   "data count and data section have inconsistent lengths");
}

TEST(DecoderTest, TooManyLocals) {
  const Bytes huge = vec({Bytes{0xff, 0xff, 0xff, 0xff, 0x0f, I32}, Bytes{0x02, I32}});
  const Bytes bytes = module({section(1, vec({func_type({}, {})})), section(3, vec({Bytes{0}})),
                              section(10, vec({code_entry(huge, {0x0b})}))});
  EXPECT_ERROR_HAS(bytes, "too many locals");
  EngineLimits limits;
  limits.max_locals_per_function = 2;
  const Bytes three = module({section(1, vec({func_type({}, {})})), section(3, vec({Bytes{0}})),
                              section(10, vec({code_entry(vec({Bytes{3, I32}}), {0x0b})}))});
  EXPECT_NE(decode_error(three, limits).find("too many locals"), std::string::npos);
  EXPECT_TRUE(decode_module(three));
}

TEST(DecoderTest, MalformedBodiesNameTheFunction) {
  // One imported function, so the defined function is function 1.
  const Bytes bytes =
      module({section(1, vec({func_type({}, {})})),
              section(2, vec({cat({name("a"), name("b"), Bytes{0, 0}})})),
              section(3, vec({Bytes{0}})), section(10, vec({code_entry(Bytes{0}, {0x06, 0x0b})}))});
  const std::string e = decode_error(bytes);
  EXPECT_NE(e.find("code section, function 1, offset 0x"), std::string::npos) << e;
  EXPECT_NE(e.find("illegal opcode"), std::string::npos) << e;
  EXPECT_ERROR_HAS(one_type_module(func_type({}, {}), {Bytes{0xfd, 0x0c}}),
                   "SIMD is not supported");
  EXPECT_ERROR_HAS(one_type_module(func_type({}, {}), {Bytes{0x01}}),
                   "unexpected end of section or function");
  EXPECT_ERROR_HAS(one_type_module(func_type({}, {}), {Bytes{0x0b, 0x01}}),
                   "section size mismatch");
  EXPECT_ERROR_HAS(one_type_module(func_type({}, {}), {Bytes{0x05, 0x0b}}), "else");
  EXPECT_ERROR_HAS(one_type_module(func_type({}, {}), {Bytes{0x3f, 0x01, 0x1a, 0x0b}}),
                   "zero byte expected");
  EXPECT_ERROR_HAS(one_type_module(func_type({}, {}), {Bytes{0x41, 0, 0x28, 0x20, 0, 0x1a, 0x0b}}),
                   "malformed memop flags");
  // The function body ends before its last `end`, while more entries follow.
  const Bytes two =
      module({section(1, vec({func_type({}, {})})), section(3, vec({Bytes{0}, Bytes{0}})),
              section(10, vec({code_entry(Bytes{0}, {0x01}), code_entry(Bytes{0}, {0x0b})}))});
  EXPECT_ERROR_HAS(two, "END opcode expected");
}

TEST(DecoderTest, ElementSegmentEncodings) {
  const Bytes offset = {0x41, 0x00, 0x0b};  // i32.const 0, end
  const Bytes ref_null = {0xd0, FUNCREF, 0x0b};
  const Bytes elems = vec({
      cat({Bytes{0}, offset, vec({Bytes{0}})}),                         // 0: active, table 0, funcs
      cat({Bytes{1, 0x00}, vec({Bytes{0}})}),                           // 1: passive funcs
      cat({Bytes{2, 1}, offset, Bytes{0x00}, vec({Bytes{0}})}),         // 2: active table 1
      cat({Bytes{3, 0x00}, vec({Bytes{0}})}),                           // 3: declarative
      cat({Bytes{4}, offset, vec({ref_null})}),                         // 4: active, exprs
      cat({Bytes{5, EXTERNREF}, vec({Bytes{0xd0, EXTERNREF, 0x0b}})}),  // 5: passive exprs
      cat({Bytes{6, 1}, offset, Bytes{FUNCREF}, vec({ref_null})}),      // 6: active table 1, exprs
      cat({Bytes{7, FUNCREF}, vec({Bytes{0xd2, 0x00, 0x0b}})}),         // 7: declarative exprs
  });
  auto m = decode_module(module({section(9, elems)}));
  ASSERT_TRUE(m) << m.error().message();
  ASSERT_EQ(m->elems.size(), 8u);
  EXPECT_EQ(m->elems[0].mode, ElemSegment::Mode::Active);
  EXPECT_EQ(m->elems[1].mode, ElemSegment::Mode::Passive);
  EXPECT_EQ(m->elems[2].table_index, 1u);
  EXPECT_EQ(m->elems[3].mode, ElemSegment::Mode::Declarative);
  EXPECT_EQ(m->elems[4].items[0].kind, ConstExpr::Kind::RefNull);
  EXPECT_EQ(m->elems[5].type, ValType::ExternRef);
  EXPECT_EQ(m->elems[6].table_index, 1u);
  EXPECT_EQ(m->elems[7].items[0].kind, ConstExpr::Kind::RefFunc);
  EXPECT_EQ(m->elems[0].items[0].kind, ConstExpr::Kind::RefFunc);
  EXPECT_ERROR_HAS(module({section(9, vec({Bytes{8}}))}), "malformed elements segment kind");
  EXPECT_ERROR_HAS(module({section(9, vec({cat({Bytes{1, 0x01}, vec({})})}))}),
                   "malformed element kind");
}

TEST(DecoderTest, DataSegmentsAndConstExprs) {
  const Bytes datas = vec({
      cat({Bytes{0, 0x41, 0x08, 0x0b}, name("ab")}),
      cat({Bytes{1}, name("c")}),
      cat({Bytes{2, 0, 0x23, 0x00, 0x0b}, name("")}),
  });
  auto m = decode_module(module({section(11, datas)}));
  ASSERT_TRUE(m) << m.error().message();
  ASSERT_EQ(m->datas.size(), 3u);
  EXPECT_EQ(m->datas[0].offset.kind, ConstExpr::Kind::I32Const);
  EXPECT_EQ(m->datas[0].offset.bits, 8u);
  EXPECT_EQ(std::string(m->datas[0].bytes.begin(), m->datas[0].bytes.end()), "ab");
  EXPECT_EQ(m->datas[1].mode, DataSegment::Mode::Passive);
  EXPECT_EQ(m->datas[2].offset.kind, ConstExpr::Kind::GlobalGet);
  EXPECT_ERROR_HAS(module({section(11, vec({Bytes{3}}))}), "malformed data segment kind");
  EXPECT_ERROR_HAS(module({section(11, vec({cat({Bytes{1, 5}, Bytes{'a'}})}))}),
                   "unexpected end of section or function");

  // Well-formed but non-constant initialisers decode and are flagged for the
  // validator, which reports them as invalid.
  const Bytes globals = vec({
      cat({Bytes{I32, 0}, Bytes{0x41, 1, 0x41, 2, 0x6a, 0x0b}}),  // i32.add
      cat({Bytes{I32, 0}, Bytes{0x0b}}),                          // empty
      cat({Bytes{F32, 0}, Bytes{0x43, 0, 0, 0xc0, 0x7f, 0x0b}}),  // f32.const nan
  });
  auto g = decode_module(module({section(6, globals)}));
  ASSERT_TRUE(g) << g.error().message();
  EXPECT_EQ(g->globals[0].init.invalid, "constant expression required");
  EXPECT_NE(g->globals[1].init.invalid.find("type mismatch"), std::string::npos);
  EXPECT_TRUE(g->globals[2].init.invalid.empty());
  EXPECT_EQ(g->globals[2].init.bits, 0x7fc00000u);
}

TEST(DecoderTest, NameSection) {
  const Bytes function_names = vec({cat({Bytes{0}, name("main")}), cat({Bytes{2}, name("g")})});
  const Bytes names =
      cat({name("name"), Bytes{0x00, 0x02}, name("m"),  // module name
           Bytes{0x01}, leb_u32(static_cast<uint32_t>(function_names.size())), function_names});
  auto m = decode_module(module({section(0, names)}));
  ASSERT_TRUE(m) << m.error().message();
  EXPECT_EQ(m->function_names.at(0), "main");
  EXPECT_EQ(m->function_names.at(2), "g");
  // A malformed name section (truncated subsection) is ignored, not an error.
  const Bytes broken = cat({name("name"), Bytes{0x01, 0x09, 0x02, 0x00}});
  auto b = decode_module(module({section(0, broken)}));
  ASSERT_TRUE(b) << b.error().message();
  EXPECT_TRUE(b->function_names.empty());
}

TEST(DecoderTest, ModuleSizeLimit) {
  EngineLimits limits;
  limits.max_module_size = 4;
  EXPECT_NE(decode_error(kHeader, limits).find("exceeds the engine limit"), std::string::npos);
}

}  // namespace
}  // namespace cloister::wasm
