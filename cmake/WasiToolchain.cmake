# SPDX-License-Identifier: Apache-2.0
#
# Detects the toolchains that compile workloads to wasm32-wasi (WASI preview 1)
# with Debian's own packages, for examples/ and the end-to-end tests. This is
# not a CMake cross toolchain: the host build stays native, and wasm modules
# are built with add_custom_command (see cloister_add_wasm below).
#
# Each toolchain is proved by compiling and linking a tiny program, because a
# compiler that exists may still lack the wasm sysroot (wasi-libc), the
# compiler-rt builtins or libc++. Sets:
#   CLOISTER_WASI_C      ON when C works     (clang-16 + lld-16 + wasi-libc + libclang-rt-16-dev-wasm32)
#   CLOISTER_WASI_CXX    ON when C++ works   (+ libc++-16-dev-wasm32 libc++abi-16-dev-wasm32)
#   CLOISTER_WASI_RUST   ON when Rust works  (Debian's rustc + libstd-rust-dev-wasm32)
#   CLOISTER_WASI_CLANG, CLOISTER_WASI_CLANGXX, CLOISTER_WASI_RUSTC: the programs
# and prints one STATUS line per toolchain saying what was found or missing.

set(CLOISTER_WASI_TARGET "wasm32-wasi")
set(_wasi_probe_dir "${CMAKE_BINARY_DIR}/wasi-toolchain-probe")
file(MAKE_DIRECTORY "${_wasi_probe_dir}")

# Debian's libc++ for wasm installs its headers under the wasm sysroot's
# c++/v1, which clang-16 does not search by itself for this target.
set(CLOISTER_WASI_CXX_INCLUDE "/usr/include/wasm32-wasi/c++/v1"
    CACHE PATH "libc++ headers for wasm32-wasi (Debian's libc++-16-dev-wasm32)")
# Debian's wasm32 libc++abi is built without exception support.
set(CLOISTER_WASI_CXX_FLAGS -fno-exceptions -isystem "${CLOISTER_WASI_CXX_INCLUDE}")
# Keep the name section (trap messages name the function); drop DWARF.
set(CLOISTER_WASI_C_FLAGS -O2 -Wall -Wextra -Werror -Wl,--strip-debug)
# Debian's Rust std for wasm32 carries DWARF; the modules would be ~5.8 MB.
set(CLOISTER_WASI_RUST_FLAGS -O -C strip=debuginfo)

# _cloister_wasi_probe(<result var> <what> <command...>): runs the command in
# the probe dir; sets the variable ON when it succeeds and produced probe.wasm.
function(_cloister_wasi_probe out what)
  file(REMOVE "${_wasi_probe_dir}/probe.wasm")
  execute_process(COMMAND ${ARGN}
                  WORKING_DIRECTORY "${_wasi_probe_dir}"
                  RESULT_VARIABLE rc OUTPUT_VARIABLE log ERROR_VARIABLE log)
  if(rc EQUAL 0 AND EXISTS "${_wasi_probe_dir}/probe.wasm")
    set(${out} ON PARENT_SCOPE)
  else()
    string(REGEX REPLACE "\n.*" "" first_line "${log}")
    if(first_line STREQUAL "")
      set(first_line "${rc}")  # exit status, or why it could not run
    endif()
    set(${out} OFF PARENT_SCOPE)
    set(${out}_WHY "${what} failed: ${first_line}" PARENT_SCOPE)
  endif()
endfunction()

find_program(CLOISTER_WASI_CLANG NAMES clang-16 clang)
find_program(CLOISTER_WASI_CLANGXX NAMES clang++-16 clang++)
# Debian's rustc only: a rustup toolchain elsewhere on PATH rejects Debian's
# wasm32 std ("found crate `std` compiled by an incompatible version").
find_program(CLOISTER_WASI_RUSTC NAMES rustc PATHS /usr/bin NO_DEFAULT_PATH)

set(CLOISTER_WASI_C OFF)
set(CLOISTER_WASI_C_WHY "no clang-16 (apt install clang-16 lld-16)")
if(CLOISTER_WASI_CLANG)
  file(WRITE "${_wasi_probe_dir}/probe.c"
       "#include <stdio.h>\nint main(void) { puts(\"probe\"); return 0; }\n")
  _cloister_wasi_probe(CLOISTER_WASI_C
    "${CLOISTER_WASI_CLANG} --target=${CLOISTER_WASI_TARGET} (needs lld-16 wasi-libc libclang-rt-16-dev-wasm32)"
    "${CLOISTER_WASI_CLANG}" --target=${CLOISTER_WASI_TARGET} ${CLOISTER_WASI_C_FLAGS}
    probe.c -o probe.wasm)
endif()

set(CLOISTER_WASI_CXX OFF)
set(CLOISTER_WASI_CXX_WHY "no clang++-16 (apt install clang-16 lld-16)")
if(CLOISTER_WASI_CLANGXX)
  file(WRITE "${_wasi_probe_dir}/probe.cc"
       "#include <iostream>\n#include <string>\n"
       "int main() { std::string s = \"probe\"; std::cout << s << std::endl; }\n")
  _cloister_wasi_probe(CLOISTER_WASI_CXX
    "${CLOISTER_WASI_CLANGXX} --target=${CLOISTER_WASI_TARGET} (needs libc++-16-dev-wasm32 libc++abi-16-dev-wasm32)"
    "${CLOISTER_WASI_CLANGXX}" --target=${CLOISTER_WASI_TARGET} ${CLOISTER_WASI_C_FLAGS}
    ${CLOISTER_WASI_CXX_FLAGS} probe.cc -o probe.wasm)
endif()

set(CLOISTER_WASI_RUST OFF)
set(CLOISTER_WASI_RUST_WHY "no /usr/bin/rustc (apt install rustc libstd-rust-dev-wasm32)")
if(CLOISTER_WASI_RUSTC)
  file(WRITE "${_wasi_probe_dir}/probe.rs" "fn main() { println!(\"probe\"); }\n")
  _cloister_wasi_probe(CLOISTER_WASI_RUST
    "${CLOISTER_WASI_RUSTC} --target ${CLOISTER_WASI_TARGET} (needs libstd-rust-dev-wasm32)"
    "${CLOISTER_WASI_RUSTC}" --target ${CLOISTER_WASI_TARGET} ${CLOISTER_WASI_RUST_FLAGS}
    probe.rs -o probe.wasm)
endif()

foreach(lang C CXX RUST)
  if(CLOISTER_WASI_${lang})
    message(STATUS "wasm32-wasi ${lang} toolchain: found (examples and their tests are built)")
  else()
    message(STATUS "wasm32-wasi ${lang} toolchain: NOT found, its examples are skipped: "
                   "${CLOISTER_WASI_${lang}_WHY}")
  endif()
endforeach()

# cloister_add_wasm(TARGET LANG C|CXX|RUST OUTPUT file.wasm SOURCES src...):
# builds one module with the detected toolchain into OUTPUT, as part of the
# custom target TARGET (which is part of `all`). Does nothing when the
# toolchain is missing; callers check CLOISTER_WASI_<LANG>.
function(cloister_add_wasm target)
  cmake_parse_arguments(ARG "" "LANG;OUTPUT" "SOURCES" ${ARGN})
  if(NOT CLOISTER_WASI_${ARG_LANG})
    return()
  endif()
  list(TRANSFORM ARG_SOURCES PREPEND "${CMAKE_CURRENT_SOURCE_DIR}/" OUTPUT_VARIABLE sources)
  if(ARG_LANG STREQUAL "C")
    set(cmd "${CLOISTER_WASI_CLANG}" --target=${CLOISTER_WASI_TARGET} ${CLOISTER_WASI_C_FLAGS})
  elseif(ARG_LANG STREQUAL "CXX")
    set(cmd "${CLOISTER_WASI_CLANGXX}" --target=${CLOISTER_WASI_TARGET} ${CLOISTER_WASI_C_FLAGS}
            ${CLOISTER_WASI_CXX_FLAGS})
  elseif(ARG_LANG STREQUAL "RUST")
    # rustc takes the crate root only; the other sources are its modules.
    list(GET sources 0 root)
    set(cmd "${CLOISTER_WASI_RUSTC}" --target ${CLOISTER_WASI_TARGET} ${CLOISTER_WASI_RUST_FLAGS})
    set(sources "${root}")
  else()
    message(FATAL_ERROR "cloister_add_wasm(${target}): LANG must be C, CXX or RUST")
  endif()
  list(TRANSFORM ARG_SOURCES PREPEND "${CMAKE_CURRENT_SOURCE_DIR}/" OUTPUT_VARIABLE depends)
  add_custom_command(OUTPUT "${ARG_OUTPUT}"
    COMMAND ${cmd} ${sources} -o "${ARG_OUTPUT}"
    DEPENDS ${depends}
    COMMENT "Building wasm32-wasi module ${ARG_OUTPUT}"
    VERBATIM)
  add_custom_target(${target} ALL DEPENDS "${ARG_OUTPUT}")
endfunction()
