#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Everything CI checks, in order:
#   1. install the Debian packages (as root),
#   2. Release build and every test (unit, end-to-end, spec conformance),
#   3. ASan+UBSan build and every test again,
#   4. each libFuzzer target for a short fixed time, from its seed corpus.
# Set CLOISTER_FUZZ_SECONDS to change the per-target fuzzing time (default 30).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
jobs=$(nproc)
fuzz_seconds=${CLOISTER_FUZZ_SECONDS:-30}

step() { printf '\n==== %s (%s)\n' "$*" "$(date -u +%H:%M:%S)"; }

if [[ $(id -u) -eq 0 ]]; then
  step "installing Debian packages"
  scripts/install-deps.sh
else
  echo "test.sh: not root, assuming the packages of scripts/install-deps.sh are installed" >&2
fi

step "release build"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
cmake --build build -j"$jobs"

step "release tests"
logs=$(mktemp -d)
(cd build && ctest --output-on-failure -j"$jobs") | tee "$logs/release.txt"

step "ASan+UBSan build"
# -O1 without debug info: sanitizer reports still name functions, and the
# build takes about half the time of -O2 -g on CI's two cores.
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O1" \
  -DCLOISTER_SANITIZE=ON -DCLOISTER_BENCH=OFF
cmake --build build-asan -j"$jobs"

step "ASan+UBSan tests"
(cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j"$jobs") |
  tee "$logs/asan.txt"

step "fuzz build (clang-16, libFuzzer + ASan + UBSan)"
cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O2" -DCLOISTER_FUZZ=ON -DCLOISTER_BENCH=OFF \
  -DCMAKE_C_COMPILER=clang-16 -DCMAKE_CXX_COMPILER=clang++-16
cmake --build build-fuzz -j"$jobs" --target fuzzers

step "fuzzing each target for ${fuzz_seconds}s"
shopt -s nullglob
targets=()
for t in build-fuzz/fuzzers/*; do [[ -f $t && -x $t ]] && targets+=("$t"); done
if [[ ${#targets[@]} -eq 0 ]]; then
  echo "no fuzz targets were built" >&2
  exit 1
fi
for target in "${targets[@]}"; do
  name=$(basename "$target")
  work=$(mktemp -d)
  # Seeds live in fuzz/<component>/corpus/<target>/.
  for seeds in "$root"/fuzz/*/corpus/"$name"; do cp -r "$seeds/." "$work/"; done
  echo "-- $name (seeds: $(ls "$work" | wc -l))"
  # On a finding, show the whole report (sanitizer stack, reproducer) rather
  # than only the closing statistics.
  if (cd "$work" && "$root/$target" -max_total_time="$fuzz_seconds" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 "$work" >"$work.log" 2>&1); then
    tail -n 12 "$work.log"
    rm -rf "$work" "$work.log"
  else
    status=$?
    grep -v -E '^(INFO|#[0-9]+\s+(NEW|REDUCE|pulse|INITED))' "$work.log" | tail -n 80
    exit "$status"
  fi
done

step "done"
# One closing line over both ctest runs (each test counted once per build),
# so the summary is the last thing CI prints rather than fuzzer statistics.
total=0
failed=0
for log in "$logs"/*.txt; do
  line=$(grep -E '^[0-9]+% tests passed, [0-9]+ tests failed out of [0-9]+' "$log" | tail -n 1)
  n=$(sed -E 's/.* out of ([0-9]+).*/\1/' <<<"$line")
  f=$(sed -E 's/.*passed, ([0-9]+) tests failed.*/\1/' <<<"$line")
  total=$((total + n))
  failed=$((failed + f))
done
echo "tests: $((total - failed)) passed, $failed failed"
