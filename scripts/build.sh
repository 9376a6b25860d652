#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Release build of everything into build/ (build/cloister, build/spec-run, tests, benchmarks).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
cmake --build build -j"$(nproc)"
