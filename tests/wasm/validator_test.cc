// SPDX-License-Identifier: Apache-2.0
#include "wasm/validator.h"

#include <gtest/gtest.h>

#include <string>

#include "wasm/decoder.h"
#include "wasm_bytes.h"

namespace cloister::wasm {
namespace {

using namespace testing;  // NOLINT: the byte-building helpers

// Decodes (which must succeed) and validates; "<valid>" or the error.
std::string validate(const Bytes& bytes, const EngineLimits& limits = {}) {
  auto m = decode_module(bytes, limits);
  if (!m) return "<decode failed> " + m.error().message();
  auto v = validate_module(*m, limits);
  return v ? "<valid>" : v.error().message();
}

#define EXPECT_VALID(bytes) EXPECT_EQ(validate(bytes), "<valid>")
#define EXPECT_INVALID(bytes, text) \
  EXPECT_NE(validate(bytes).find(text), std::string::npos) << validate(bytes)

const Bytes kVoid = func_type({}, {});
const Bytes kI32ToI32 = func_type({I32}, {I32});

TEST(ValidatorTest, SimpleFunctions) {
  EXPECT_VALID(one_type_module(kVoid, {Bytes{0x0b}}));
  EXPECT_VALID(one_type_module(kI32ToI32, {Bytes{0x20, 0x00, 0x41, 0x01, 0x6a, 0x0b}}));
  EXPECT_INVALID(one_type_module(kI32ToI32, {Bytes{0x0b}}), "type mismatch");
  EXPECT_INVALID(one_type_module(kVoid, {Bytes{0x41, 0x01, 0x0b}}), "type mismatch");
}

TEST(ValidatorTest, MessageNamesFunctionOffsetAndTypes) {
  // Function 0 named "f" by the name section: i32.const 1; f64.neg.
  Bytes bytes = one_type_module(kVoid, {Bytes{0x41, 0x01, 0x9a, 0x1a, 0x0b}});
  const Bytes names = cat({name("name"), Bytes{0x01, 0x04}, vec({cat({Bytes{0}, name("f")})})});
  const Bytes custom = section(0, names);
  bytes.insert(bytes.end(), custom.begin(), custom.end());
  const std::string e = validate(bytes);
  EXPECT_EQ(e.rfind("invalid module: function 0 (f), offset 0x", 0), 0u) << e;
  EXPECT_NE(e.find(": type mismatch: expected f64 but got i32"), std::string::npos) << e;
}

TEST(ValidatorTest, UnreachableCodeIsPolymorphic) {
  // unreachable; i32.add; drop  — operands come from the polymorphic stack.
  EXPECT_VALID(one_type_module(kVoid, {Bytes{0x00, 0x6a, 0x1a, 0x0b}}));
  // unreachable; f32.const; i32.add — a known wrong operand is still an error.
  EXPECT_INVALID(one_type_module(kVoid, {Bytes{0x00, 0x43, 0, 0, 0, 0, 0x6a, 0x1a, 0x0b}}),
                 "type mismatch");
  // After unreachable, the function's i32 result comes from the polymorphic stack.
  EXPECT_VALID(one_type_module(kI32ToI32, {Bytes{0x00, 0x0b}}));
  // ...but br needs its operand when the code is reachable.
  EXPECT_INVALID(one_type_module(kI32ToI32, {Bytes{0x0c, 0x00, 0x0b}}), "type mismatch");
}

TEST(ValidatorTest, BlocksAndBranches) {
  // block (result i32) i32.const 1 end
  EXPECT_VALID(one_type_module(kI32ToI32, {Bytes{0x02, I32, 0x41, 1, 0x0b, 0x0b}}));
  // Multi-value block typed by type index 1: [i32] -> [i32].
  const Bytes types = section(1, vec({kVoid, kI32ToI32}));
  const Bytes multi =
      module({types, section(3, vec({Bytes{0}})),
              section(10, vec({code_entry(Bytes{0}, {0x41, 1, 0x02, 0x01, 0x0b, 0x1a, 0x0b})}))});
  EXPECT_VALID(multi);
  EXPECT_INVALID(one_type_module(kVoid, {Bytes{0x02, 0x05, 0x0b, 0x0b}}), "unknown type");
  EXPECT_INVALID(one_type_module(kVoid, {Bytes{0x0c, 0x01, 0x0b}}), "unknown label");
  // if (result i32) without else cannot produce a value.
  EXPECT_INVALID(one_type_module(kI32ToI32, {Bytes{0x20, 0, 0x04, I32, 0x41, 1, 0x0b, 0x0b}}),
                 "type mismatch");
  // br_table whose targets have different arities.
  EXPECT_INVALID(
      one_type_module(kVoid, {Bytes{0x02, I32, 0x41, 0, 0x0e, 0x01, 0x00, 0x01, 0x0b, 0x1a, 0x0b}}),
      "type mismatch");
}

TEST(ValidatorTest, NestingLimit) {
  Bytes body;
  for (int i = 0; i < 20; ++i) body.insert(body.end(), {0x02, 0x40});
  for (int i = 0; i < 21; ++i) body.push_back(0x0b);
  EngineLimits limits;
  limits.max_block_nesting = 10;
  EXPECT_NE(validate(one_type_module(kVoid, {body}), limits).find("nested"), std::string::npos);
  EXPECT_VALID(one_type_module(kVoid, {body}));
}

TEST(ValidatorTest, WideBrTableStaysCheap) {
  // A block with 1000 results, left by a br_table with 60000 labels: each
  // label would re-check 1000 types; identical label types are checked once.
  Bytes wide_results(1000, I32);
  const Bytes types = section(1, vec({kVoid, func_type({}, wide_results)}));
  Bytes body = {0x02, 0x01, 0x00, 0x0e};  // block (type 1), unreachable, br_table
  const Bytes count = leb_u32(60000);
  body.insert(body.end(), count.begin(), count.end());
  body.insert(body.end(), 60000, 0x00);
  body.insert(body.end(), {0x00, 0x0b});                // default label 0, end of block
  for (int i = 0; i < 1000; ++i) body.push_back(0x1a);  // drop the results
  body.push_back(0x0b);
  const Bytes bytes =
      module({types, section(3, vec({Bytes{0}})), section(10, vec({code_entry(Bytes{0}, body)}))});
  EXPECT_VALID(bytes);
}

TEST(ValidatorTest, LocalsGlobalsAndSelect) {
  EXPECT_INVALID(one_type_module(kVoid, {Bytes{0x20, 0x00, 0x1a, 0x0b}}), "unknown local");
  const Bytes globals = section(6, vec({cat({Bytes{I32, 0x00}, Bytes{0x41, 0, 0x0b}})}));
  EXPECT_INVALID(one_type_module(kVoid, {Bytes{0x41, 1, 0x24, 0x00, 0x0b}}, {globals}),
                 "global is immutable");
  EXPECT_INVALID(one_type_module(kVoid, {Bytes{0x23, 0x01, 0x1a, 0x0b}}, {globals}),
                 "unknown global");
  // select t* with two types.
  EXPECT_INVALID(
      one_type_module(kVoid, {Bytes{0x41, 0, 0x41, 0, 0x41, 0, 0x1c, 0x02, I32, I32, 0x1a, 0x0b}}),
      "invalid result arity");
  // Untyped select on references is not allowed.
  EXPECT_INVALID(
      one_type_module(kVoid, {Bytes{0xd0, FUNCREF, 0xd0, FUNCREF, 0x41, 0, 0x1b, 0x1a, 0x0b}}),
      "type mismatch");
}

TEST(ValidatorTest, Memory) {
  const Bytes memory = section(5, vec({Bytes{0x00, 0x01}}));
  // i32.load align=2^2 is natural; align=2^3 is too large.
  EXPECT_VALID(one_type_module(kVoid, {Bytes{0x41, 0, 0x28, 0x02, 0x00, 0x1a, 0x0b}}, {memory}));
  EXPECT_INVALID(one_type_module(kVoid, {Bytes{0x41, 0, 0x28, 0x03, 0x00, 0x1a, 0x0b}}, {memory}),
                 "alignment must not be larger than natural");
  EXPECT_INVALID(one_type_module(kVoid, {Bytes{0x3f, 0x00, 0x1a, 0x0b}}), "unknown memory 0");
  EXPECT_INVALID(module({section(5, vec({Bytes{0x00, 0x01}, Bytes{0x00, 0x01}}))}),
                 "multiple memories");
  EXPECT_INVALID(module({section(5, vec({Bytes{0x00, 0x81, 0x80, 0x04}}))}),
                 "memory size must be at most 65536 pages (4GiB)");
  EXPECT_INVALID(module({section(5, vec({Bytes{0x01, 0x02, 0x01}}))}),
                 "size minimum must not be greater than maximum");
}

TEST(ValidatorTest, DataCountRequiredForDataDrop) {
  const Bytes data = section(11, vec({cat({Bytes{1}, name("x")})}));
  Bytes without = one_type_module(kVoid, {Bytes{0xfc, 0x09, 0x00, 0x0b}});
  without.insert(without.end(), data.begin(), data.end());
  EXPECT_NE(validate(without).find("data count section required"), std::string::npos);
  Bytes with = one_type_module(kVoid, {Bytes{0xfc, 0x09, 0x00, 0x0b}}, {section(12, Bytes{1})});
  with.insert(with.end(), data.begin(), data.end());
  EXPECT_VALID(with);
  Bytes unknown = one_type_module(kVoid, {Bytes{0xfc, 0x09, 0x01, 0x0b}}, {section(12, Bytes{1})});
  unknown.insert(unknown.end(), data.begin(), data.end());
  EXPECT_INVALID(unknown, "unknown data segment 1");
}

TEST(ValidatorTest, FunctionReferencesMustBeDeclared) {
  const Bytes body = {0xd2, 0x00, 0x1a, 0x0b};  // ref.func 0; drop
  EXPECT_INVALID(one_type_module(kVoid, {body}), "undeclared function reference");
  const Bytes declare = section(9, vec({cat({Bytes{3, 0x00}, vec({Bytes{0}})})}));
  EXPECT_VALID(one_type_module(kVoid, {body}, {declare}));
  const Bytes exported = section(7, vec({cat({name("f"), Bytes{0x00, 0x00}})}));
  EXPECT_VALID(one_type_module(kVoid, {body}, {exported}));
}

TEST(ValidatorTest, ExportsAndStart) {
  EXPECT_INVALID(
      one_type_module(
          kVoid, {Bytes{0x0b}},
          {section(7, vec({cat({name("a"), Bytes{0, 0}}), cat({name("a"), Bytes{0, 0}})}))}),
      "duplicate export name");
  EXPECT_INVALID(module({section(7, vec({cat({name("a"), Bytes{0, 0}})}))}), "unknown function 0");
  EXPECT_VALID(one_type_module(kVoid, {Bytes{0x0b}}, {section(8, Bytes{0})}));
  EXPECT_INVALID(one_type_module(kI32ToI32, {Bytes{0x20, 0, 0x0b}}, {section(8, Bytes{0})}),
                 "start function");
}

TEST(ValidatorTest, ConstantExpressions) {
  const Bytes import_mut = section(2, vec({cat({name("a"), name("g"), Bytes{0x03, I32, 0x01}})}));
  // global.get of a mutable import is not constant.
  EXPECT_INVALID(
      module({import_mut, section(6, vec({cat({Bytes{I32, 0}, Bytes{0x23, 0, 0x0b}})}))}),
      "constant expression required");
  // Only imported globals may be read in 2.0.
  EXPECT_INVALID(module({section(6, vec({cat({Bytes{I32, 0}, Bytes{0x41, 0, 0x0b}}),
                                         cat({Bytes{I32, 0}, Bytes{0x23, 0, 0x0b}})}))}),
                 "unknown global 0");
  EXPECT_INVALID(module({section(6, vec({cat({Bytes{I64, 0}, Bytes{0x41, 0, 0x0b}})}))}),
                 "type mismatch");
  EXPECT_INVALID(
      module({section(6, vec({cat({Bytes{I32, 0}, Bytes{0x41, 1, 0x41, 2, 0x6a, 0x0b}})}))}),
      "constant expression required");
}

TEST(ValidatorTest, Tables) {
  const Bytes tables = section(4, vec({Bytes{FUNCREF, 0x00, 0x01}, Bytes{EXTERNREF, 0x00, 0x01}}));
  // table.get 1 yields externref; dropping it is fine.
  EXPECT_VALID(one_type_module(kVoid, {Bytes{0x41, 0, 0x25, 0x01, 0x1a, 0x0b}}, {tables}));
  EXPECT_INVALID(one_type_module(kVoid, {Bytes{0x41, 0, 0x25, 0x02, 0x1a, 0x0b}}, {tables}),
                 "unknown table 2");
  // call_indirect through the externref table.
  EXPECT_INVALID(one_type_module(kVoid, {Bytes{0x41, 0, 0x11, 0x00, 0x01, 0x0b}}, {tables}),
                 "type mismatch");
  // table.copy between tables of different element types.
  EXPECT_INVALID(
      one_type_module(kVoid, {Bytes{0x41, 0, 0x41, 0, 0x41, 0, 0xfc, 0x0e, 0x00, 0x01, 0x0b}},
                      {tables}),
      "type mismatch");
  EXPECT_INVALID(one_type_module(kVoid, {Bytes{0xfc, 0x0d, 0x00, 0x0b}}), "unknown elem segment 0");
}

}  // namespace
}  // namespace cloister::wasm
