#!/usr/bin/env bash
# Unchanged code must pass: runs `guard check --base HEAD` N times on a clean tree (base = head = HEAD: two
# builds of identical code, an A/A comparison) and counts the runs in which a benchmark was judged a gating
# regression. The NumPy gate is reported but not counted (it compares lanes with NumPy, not base with head).
# Exit 0 when no run had a gating regression, 1 otherwise.
#
# Usage: scripts/aa-runs.sh [N (default 20)] [extra guard check options, e.g. --suite wall]
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"
runs=${1:-20}
shift || true
if ! git diff --quiet HEAD; then
  echo "aa-runs: the working tree has changes; an A/A run needs HEAD as it is" >&2
  exit 2
fi
cargo build --release --locked --bin guard
passed=0
for k in $(seq 1 "$runs"); do
  report=target/guard/aa-run-$k.json
  status=0
  start=$(date +%s)
  target/release/guard check --base HEAD --format json --output "$report" "$@" 2>"target/guard/aa-run-$k.log" || status=$?
  if [ "$status" -eq 2 ]; then
    echo "aa-runs: run $k could not check (exit 2); see target/guard/aa-run-$k.log" >&2
    exit 2
  fi
  python3 - "$report" "$k" "$(( $(date +%s) - start ))" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
flagged = [e for e in r["entries"] if e["status"] in ("regression", "improvement")]
worst = max((abs(e.get("change_pct") or 0) for e in r["entries"] if e["suite"] == "wall"), default=0)
numpy = r.get("numpy") or {}
print(f"run {sys.argv[2]}: {r['verdict'].upper()} in {sys.argv[3]} s (NumPy gate {numpy.get('state', '-')}); flagged: "
      + (", ".join(f"{e['suite']} {e['id']} {e['status']} {e.get('change_pct', 0):+.2f}%" for e in flagged) or "none")
      + f"; largest wall |change| {worst:.2f}%")
PY
  if python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); sys.exit(any(e["status"] == "regression" and e["gate"] for e in r["entries"]))' "$report"; then
    passed=$((passed + 1))
  fi
done
echo "aa-runs: $passed of $runs runs without a gating regression"
[ "$passed" -eq "$runs" ]
