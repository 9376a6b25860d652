#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Installs every Debian 12 package Cloister needs to build, test, fuzz and
# benchmark. Run as root (CI does). Safe to run again: apt-get skips what is
# already installed.
set -euo pipefail

if [[ $(id -u) -ne 0 ]]; then
  echo "install-deps.sh: run as root (e.g. sudo $0)" >&2
  exit 1
fi

packages=(
  build-essential cmake pkg-config git ca-certificates
  # libraries (BRIEF.md section 4)
  libssl-dev libtomlplusplus-dev nlohmann-json3-dev libcli11-dev libcpp-httplib-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev
  # fuzzing: clang's libFuzzer with ASan/UBSan runtimes
  clang-16 lld-16 libclang-rt-16-dev
  # wasm32-wasi workloads (examples/, end-to-end tests): C, C++ and Rust
  wasi-libc libclang-rt-16-dev-wasm32 libc++-16-dev-wasm32 libc++abi-16-dev-wasm32
  rustc libstd-rust-dev-wasm32
  # openssl(1) for the benchmark's reference rates
  openssl
)

export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${packages[@]}"
