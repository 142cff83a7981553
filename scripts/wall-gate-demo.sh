#!/usr/bin/env bash
# A real regression that instruction counts cannot see, caught by the paired wall-clock gate (issue 16).
#
# The demonstration edits the working tree for the length of the run (never committed; restored on exit): the
# AVX-512 backend's vector load becomes two 256-bit loads and an insert — the same values, more uops per load.
# The instruction suite cannot see it (valgrind cannot run AVX-512, so it has no AVX-512 case; the AVX2 and
# scalar counts it measures do not change), while the pr wall-clock profile measures the best backend, AVX-512 on
# such hosts. Then it runs
#   guard check --base HEAD        (instruction counts and the paired wall-clock comparison)
# and checks the report: no instruction-count benchmark changes beyond its threshold, the wall-clock gate fails
# benchmarks, and the verdict is FAIL. Exit 0 when all of that holds, 1 otherwise, 2 when it could not run (also
# on a host without AVX-512).
#
# Usage: scripts/wall-gate-demo.sh [extra guard check options]     (from a clean checkout; ~5 min)
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"
file=src/simd/avx512.rs
if ! grep -qw avx512f /proc/cpuinfo; then
  echo "wall-gate-demo: this host has no AVX-512; the demonstration changes the AVX-512 backend" >&2
  exit 2
fi
if ! git diff --quiet HEAD -- "$file"; then
  echo "wall-gate-demo: $file has uncommitted changes; commit or stash them first" >&2
  exit 2
fi
trap 'git checkout -q HEAD -- "$file"' EXIT
python3 - "$file" <<'PY'
import sys
path = sys.argv[1]
text = open(path).read()
old = """        unsafe { _mm512_loadu_ps(p) }"""
new = """        unsafe {
            use std::arch::x86_64::{
                _mm256_castps_pd, _mm256_loadu_ps, _mm512_castpd256_pd512, _mm512_castpd_ps,
                _mm512_insertf64x4,
            };
            let lo = _mm256_castps_pd(_mm256_loadu_ps(p));
            let hi = _mm256_castps_pd(_mm256_loadu_ps(p.add(8)));
            _mm512_castpd_ps(_mm512_insertf64x4::<1>(_mm512_castpd256_pd512(lo), hi))
        }"""
if text.count(old) != 1:
    sys.exit("wall-gate-demo: the AVX-512 load was not found; update this script")
open(path, "w").write(text.replace(old, new))
PY
echo "wall-gate-demo: $file now loads a vector as two halves (working tree only)"
report=target/guard/wall-gate-demo.json
status=0
cargo run --release --locked --bin guard -- check --base HEAD --format json --output "$report" "$@" || status=$?
if [ "$status" -eq 2 ]; then
  echo "wall-gate-demo: guard check could not run (exit 2)" >&2
  exit 2
fi
python3 - "$report" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
ok = True
def show(e):
    lo_hi = e.get("interval_pct")
    interval = f" [{lo_hi[0]:+.2f}, {lo_hi[1]:+.2f}]" if lo_hi else ""
    change = e.get("change_pct")
    change = f"{change:+.2f}%" if change is not None else "—"
    print(f"  {e['suite']:<12} {e['id']:<26} {e['status']:<12} {change}{interval}")
ir = [e for e in report["entries"] if e["suite"] == "instructions"]
wall = [e for e in report["entries"] if e["suite"] == "wall"]
ir_changed = [e for e in ir if e["status"] != "pass"]
wall_failed = [e for e in wall if e["status"] == "regression" and e["gate"]]
print(f"instruction counts: {len(ir) - len(ir_changed)}/{len(ir)} pass")
for e in ir_changed:
    show(e)
print(f"wall-clock: {len(wall_failed)}/{len(wall)} gating regressions")
for e in sorted(wall, key=lambda e: -(e.get("change_pct") or 0)):
    show(e)
if ir_changed or not ir or not wall_failed:
    ok = False
print(f"verdict: {report['verdict']}")
if report["verdict"] != "fail":
    ok = False
print("wall-gate-demo: " + ("as expected: every Ir benchmark passes, the wall-clock gate fails" if ok else "NOT as expected"))
sys.exit(0 if ok else 1)
PY
