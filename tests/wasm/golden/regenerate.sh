#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Rebuilds the committed .wasm inputs of the golden tests. Not run by the
# build or the tests (they use the committed binaries and need no WABT); run
# it by hand after editing a .wat, then review the .expected files.
#   - <case>.wat -> <case>.wasm with wat2wasm (invalid_* with --no-check,
#     trap_unnamed without a name section, everything else with names);
#   - the malformed_* and huge_* cases are hand-assembled bytes below, because
#     no text format can express a malformed binary.
set -eu
cd "$(dirname "$0")"

for wat in *.wat; do
  case=${wat%.wat}
  case $case in
    invalid_*) wat2wasm --no-check --debug-names "$wat" -o "$case.wasm" ;;
    trap_unnamed) wat2wasm "$wat" -o "$case.wasm" ;;
    *) wat2wasm --debug-names "$wat" -o "$case.wasm" ;;
  esac
done

header='\000asm\001\000\000\000'
# type section: one type, () -> ()
type_void='\001\004\001\140\000\000'
# function section: one function of type 0
func_one='\003\002\001\000'

# Wrong magic number.
printf '\000asX\001\000\000\000' > malformed_magic.wasm
# Version 2 instead of 1.
printf '\000asm\002\000\000\000' > malformed_version.wasm
# Code section cut short: it announces 4 bytes of content, 3 are present.
printf "$header$type_void$func_one"'\012\004\001\002\000' > malformed_truncated.wasm
# Function section before the type section.
printf "$header$func_one$type_void" > malformed_section_order.wasm
# Section id 14 does not exist in WebAssembly 2.0.
printf "$header"'\016\001\000' > malformed_unknown_section.wasm
# The type count is a u32 LEB128 with 6 bytes (at most 5 are allowed).
printf "$header"'\001\007\201\200\200\200\200\000\000' > malformed_overlong_leb.wasm
# Opcode 0xFF in function 0's body (with a name section it would be named).
printf "$header$type_void$func_one"'\012\005\001\003\000\377\013' > malformed_bad_opcode.wasm
# Type section claiming 2^32-1 entries in a 5-byte body.
printf "$header"'\001\005\377\377\377\377\017' > huge_type_count.wasm
# One function whose single local group declares 2^32-1 i32 locals.
printf "$header$type_void$func_one"'\012\012\001\010\001\377\377\377\377\017\177\013' \
  > huge_local_count.wasm
# Memory section: one memory with a minimum of 2^32-1 pages.
printf "$header"'\005\007\001\000\377\377\377\377\017' > huge_memory_pages.wasm
# Function section claiming 2^32-1 functions in a 5-byte body.
printf "$header"'\003\005\377\377\377\377\017' > huge_function_count.wasm

