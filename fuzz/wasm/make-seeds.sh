#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Regenerates the committed seed corpora of the wasm fuzz targets from the
# project's own modules: fuzz/wasm/seeds/*.wat, the benchmark kernels and the
# golden-test binaries (which include malformed and hostile ones, useful for
# the decoder target). Needs wat2wasm (WABT); run by hand, not by the build.
set -eu
cd "$(dirname "$0")"
root=$(cd ../.. && pwd)
decode=corpus/fuzz_wasm_decode
run=corpus/fuzz_wasm_run
mkdir -p "$decode" "$run"
rm -f "$decode"/*.wasm "$run"/*.wasm

for wat in seeds/*.wat; do
  name=$(basename "$wat" .wat)
  wat2wasm --debug-names "$wat" -o "$run/$name.wasm"
  cp "$run/$name.wasm" "$decode/$name.wasm"
done
for wasm in "$root"/bench/wasm/*.wasm; do
  cp "$wasm" "$run/bench_$(basename "$wasm")"
  cp "$wasm" "$decode/bench_$(basename "$wasm")"
done
for wasm in "$root"/tests/wasm/golden/*.wasm; do
  name=$(basename "$wasm" .wasm)
  cp "$wasm" "$decode/golden_$name.wasm"
  case $name in trap_*|limit_*|fuel_*) cp "$wasm" "$run/golden_$name.wasm" ;; esac
done
echo "seeds: $(ls "$decode" | wc -l) for fuzz_wasm_decode, $(ls "$run" | wc -l) for fuzz_wasm_run"
