#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Fetches the official WebAssembly 2.0 core test suite and converts it to the
# layout build/spec-run reads (testdata/wasm-spec/: wast/, json/<name>/, files.tsv).
# Inside the Cloister project environment the suite is already present in
# ../shared/testdata/wasm-spec; use this script on any other machine.
#
# Usage: scripts/fetch-wasm-spec.sh [DEST]      (DEST defaults to ../shared/testdata/wasm-spec)
# Then:  cmake -S . -B build -DCLOISTER_TESTDATA_DIR=<parent of wasm-spec> && ctest --test-dir build -R wasm_spec_suite
#
# Needs git and WABT's wast2json 1.0.41 or newer. Debian 12's wabt (1.0.32) fails on 7 of
# the 148 files (comments, if, table_fill/get/grow/set/size): build WABT 1.0.41 from source
# (https://github.com/WebAssembly/wabt, tag 1.0.41) and put its bin/ first on PATH.
set -eu

# The last commit of WebAssembly/testsuite whose top-level tests are the Wasm 2.0 suite
# (2025-09-11); the next commit replaced them with the Wasm 3.0 suite.
REPO=https://github.com/WebAssembly/testsuite
COMMIT=a8101597d3c3c660086c3cd1eedee608ff18d3c3

here=$(cd "$(dirname "$0")/.." && pwd)
dest=${1:-"$here/../shared/testdata/wasm-spec"}

command -v git >/dev/null || { echo "fetch-wasm-spec: git is required" >&2; exit 1; }
command -v wast2json >/dev/null || { echo "fetch-wasm-spec: wast2json (WABT >= 1.0.41) is required" >&2; exit 1; }
version=$(wast2json --version 2>/dev/null || echo 0)
oldest=$(printf '%s\n%s\n' "$version" 1.0.41 | sort -V | head -n 1)
if [ "$oldest" != 1.0.41 ]; then
  echo "fetch-wasm-spec: wast2json $version is too old (need >= 1.0.41)" >&2
  exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git -C "$tmp" init -q suite
git -C "$tmp/suite" fetch -q --depth 1 "$REPO" "$COMMIT"
git -C "$tmp/suite" checkout -q FETCH_HEAD

mkdir -p "$dest/wast" "$dest/json"
cp "$tmp"/suite/*.wast "$tmp/suite/LICENSE" "$dest/wast/"

printf 'name\tcommands\tmodules\tsimd\n' > "$dest/files.tsv"
for wast in "$dest"/wast/*.wast; do
  name=$(basename "$wast" .wast)
  mkdir -p "$dest/json/$name"
  # Converted from inside wast/ so that source_filename is the bare file name.
  (cd "$dest/wast" && wast2json "$name.wast" -o "../json/$name/$name.json")
  commands=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['commands']))" \
    "$dest/json/$name/$name.json" 2>/dev/null || echo "?")
  modules=$(find "$dest/json/$name" -name '*.wasm' -o -name '*.wat' | wc -l)
  case "$name" in simd_*) simd=yes ;; *) simd=no ;; esac
  printf '%s\t%s\t%s\t%s\n' "$name" "$commands" "$modules" "$simd" >> "$dest/files.tsv"
done
echo "fetch-wasm-spec: suite at $COMMIT converted into $dest"
