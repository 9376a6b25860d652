#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# The keep figures of docs/kvm.md, on the nil and kvm backends:
#   - a sallyport round trip as a workload sees it: the mean cost of one WASI
#     clock_time_get (bench/programs/clock_loop.c; in a kvm keep every call
#     goes to the host and back);
#   - throughput of writing 1 GiB to a pipe from inside the keep
#     (bench/programs/write_gib.c, 1 MiB writes; the reader is this script,
#     discarding 1 MiB reads), median of RUNS.
#   - raw round trips as the keep program sees them: bench/programs/syscall_loop.c
#     (static) natively and as a KVM keep's program (build/kvm-run).
# Cold start is bench/startup.sh.
#
#   bench/kvm.sh [BUILD_DIR] [RUNS]      (defaults: build, 5)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../build}" && pwd)
runs=${2:-5}
for f in "$build/cloister" "$build/bench/programs/clock_loop.wasm" \
         "$build/bench/programs/write_gib.wasm"; do
  if [[ ! -f "$f" ]]; then
    echo "kvm.sh: $f is missing; build the cloister and bench_program_* targets first" >&2
    exit 1
  fi
done

python3 - "$build" "$runs" <<'PY'
import os, statistics, subprocess, sys, time

build, runs = sys.argv[1], int(sys.argv[2])
cloister = f"{build}/cloister"
clock = f"{build}/bench/programs/clock_loop.wasm"
writer = f"{build}/bench/programs/write_gib.wasm"

def usable(backend):
    r = subprocess.run([cloister, "run", "--backend", backend, clock, "--", "1"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if r.returncode != 0:
        print(f"{backend}: cannot run here, skipped: {r.stderr.decode(errors='replace').strip()}")
    return r.returncode == 0

def round_trip(backend):
    per_call = []
    for _ in range(runs):
        out = subprocess.run([cloister, "run", "--backend", backend, clock, "--", "5000"],
                             stdout=subprocess.PIPE, check=True).stdout.decode()
        per_call.append(float(out.split()[0]))
    return statistics.median(per_call)

def pipe_gib(backend):
    rates = []
    for _ in range(runs):
        t0 = time.perf_counter()
        p = subprocess.Popen([cloister, "run", "--backend", backend, writer],
                             stdout=subprocess.PIPE, bufsize=0)
        total = 0
        while True:
            chunk = p.stdout.read(1 << 20)
            if not chunk:
                break
            total += len(chunk)
        if p.wait() != 0 or total != 1 << 30:
            sys.exit(f"kvm.sh: {backend}: writer exited {p.returncode} after {total} bytes")
        rates.append(total / (1 << 30) / (time.perf_counter() - t0))
    return statistics.median(rates)

backends = [b for b in ("nil", "kvm") if usable(b)]
trips = {b: round_trip(b) for b in backends}
rates = {b: pipe_gib(b) for b in backends}
for b in backends:
    print(f"{b:<4} WASI clock_time_get: {trips[b]:8.1f} ns/call   "
          f"1 GiB to a pipe: {rates[b]:5.2f} GiB/s   (median of {runs})")
loop = f"{build}/bench/programs/syscall_loop"
kvm_run = f"{build}/kvm-run"
if os.path.exists(loop):
    native = subprocess.run([loop], stdout=subprocess.PIPE, check=True).stdout.decode().strip()
    print(f"syscall_loop natively:    {native}")
    if "kvm" in backends and os.path.exists(kvm_run):
        keep = subprocess.run([kvm_run, loop, writer], stdout=subprocess.PIPE,
                              check=True).stdout.decode().strip()
        print(f"syscall_loop in kvm keep: {keep}")
if "nil" in rates and "kvm" in rates:
    print(f"kvm/nil pipe throughput: {100 * rates['kvm'] / rates['nil']:.0f} %   "
          f"sallyport round trip (kvm - nil): {trips['kvm'] - trips['nil']:.0f} ns")
PY
