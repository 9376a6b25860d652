#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Start-up time: the median wall time of `cloister run hello.wasm` (the
# hello-c example) over 20 runs, on the nil and the kvm backend, next to Node.js running the same module
# with node:wasi (bench/node_wasi_run.mjs), and /bin/true as the floor of the
# timing harness itself (fork + exec + wait from python3). The CPU time
# (user + sys of the process and its children, e.g. the keep) is printed too:
# on a loaded machine it moves much less than the wall time.
#
#   bench/startup.sh [BUILD_DIR] [RUNS]      (defaults: build, 20)
#
# Needs a build with the examples (`cmake --build BUILD --target cloister
# examples`), python3, and node >= 20 (optional: its row is skipped without it).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../build}" && pwd)
runs=${2:-20}
cloister="$build/cloister"
module="$build/examples/hello-c.wasm"

for f in "$cloister" "$module"; do
  if [[ ! -x "$f" && ! -f "$f" ]]; then
    echo "startup.sh: $f is missing; build the cloister and examples targets first" >&2
    exit 1
  fi
done

# One warm-up run each (page cache, node's compile cache), then $runs timed
# runs; the module's output is checked once so that a broken run is not timed.
python3 - "$runs" "$cloister" "$module" "$here/node_wasi_run.mjs" <<'PY'
import resource, shutil, statistics, subprocess, sys, time

runs = int(sys.argv[1])
cloister, module, node_script = sys.argv[2:5]
expected = b"Hello, world! (from C)\n"

def measure(name, cmd, check=True):
    first = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if check and (first.returncode != 0 or first.stdout != expected):
        sys.exit(f"startup.sh: {name}: exit {first.returncode}, stdout {first.stdout!r}, "
                 f"stderr {first.stderr[:200]!r}")
    times, cpu = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter_ns()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append((time.perf_counter_ns() - t0) / 1e6)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append((after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) * 1e3)
    print(f"{name:<34} median {statistics.median(times):8.2f} ms   "
          f"min {min(times):8.2f} ms   max {max(times):8.2f} ms   "
          f"CPU (user+sys) median {statistics.median(cpu):7.2f} ms   ({runs} runs)")

print(f"module: {module}")
measure("/bin/true (harness floor)", ["/bin/true"], check=False)
measure("cloister run --backend nil hello.wasm", [cloister, "run", "--backend", "nil", module])
kvm = subprocess.run([cloister, "run", "--backend", "kvm", module], stdout=subprocess.PIPE,
                     stderr=subprocess.PIPE)
if kvm.returncode == 0:
    measure("cloister run --backend kvm hello.wasm", [cloister, "run", "--backend", "kvm", module])
else:
    print("kvm: cannot run here, skipped: " + kvm.stderr.decode(errors="replace").strip())
node = shutil.which("node")
if node is None:
    print("node: not found, skipped")
else:
    version = subprocess.run([node, "--version"], stdout=subprocess.PIPE, text=True).stdout.strip()
    measure(f"node {version} node:wasi hello.wasm",
            [node, "--no-warnings", node_script, module])
PY
