#!/usr/bin/env bash
# A real regression that instruction counts cannot see, caught by the paired wall-clock gate (issue 16).
#
# The demonstration edits the working tree for the length of the run (never committed; restored on exit):
# the blocked sums (sum, dot, norm_l1, norm_l2) keep their four accumulators but fold every vector into the
# first one. Same instructions (the other three accumulators stay zero and are still combined), but one long
# dependency chain instead of four short ones: latency-bound instead of throughput-bound. Then it runs
#   guard check --base HEAD        (instruction counts and the paired wall-clock comparison)
# and checks the report: the Ir gate passes every benchmark of those ops, the wall-clock gate fails them, and
# the verdict is FAIL. Exit 0 when all of that holds, 1 otherwise, 2 when it could not run.
#
# Usage: scripts/wall-gate-demo.sh [extra guard check options]     (from a clean checkout; ~5 min)
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"
file=src/kernels/reduction.rs
if ! git diff --quiet HEAD -- "$file"; then
  echo "wall-gate-demo: $file has uncommitted changes; commit or stash them first" >&2
  exit 2
fi
trap 'git checkout -q HEAD -- "$file"' EXIT
python3 - "$file" <<'PY'
import sys
path = sys.argv[1]
text = open(path).read()
old = """            for (j, a) in acc.iter_mut().enumerate() {
                // SAFETY: `i + ACC * l <= end <= n`.
                *a = step(*a, unsafe { load_all(s, src, i + j * l) }, i + j * l, l);
            }"""
new = """            for j in 0..ACC {
                // SAFETY: `i + ACC * l <= end <= n`.
                acc[0] = step(acc[0], unsafe { load_all(s, src, i + j * l) }, i + j * l, l);
            }"""
if text.count(old) != 1:
    sys.exit("wall-gate-demo: the accumulator loop of sum_blocked was not found; update this script")
open(path, "w").write(text.replace(old, new))
PY
echo "wall-gate-demo: $file now folds every vector into one accumulator (working tree only)"
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
ops = ("sum/", "dot/", "norm_l1/", "norm_l2/")
ok = True
def show(e):
    lo_hi = e.get("interval_pct")
    interval = f" [{lo_hi[0]:+.2f}, {lo_hi[1]:+.2f}]" if lo_hi else ""
    change = e.get("change_pct")
    change = f"{change:+.2f}%" if change is not None else "—"
    print(f"  {e['suite']:<12} {e['id']:<24} {e['status']:<12} {change}{interval}")
print("benchmarks of the changed ops:")
for e in report["entries"]:
    if e["id"].startswith(ops):
        show(e)
        if e["suite"] == "instructions" and e["status"] != "pass":
            ok = False
        if e["suite"] == "wall" and e["status"] != "regression":
            ok = False
print(f"verdict: {report['verdict']}")
if report["verdict"] != "fail":
    ok = False
print("wall-gate-demo: " + ("as expected: Ir passes, the wall-clock gate fails" if ok else "NOT as expected"))
sys.exit(0 if ok else 1)
PY
