#!/usr/bin/env bash
# Renders guard's reports on the captured fixtures (guard/tests/fixtures) with one guard binary, for a
# byte-for-byte before/after comparison of a refactoring:
#
#   scripts/render-fixtures.sh OLD_BIN /tmp/r-old && scripts/render-fixtures.sh NEW_BIN /tmp/r-new
#   diff -r /tmp/r-old /tmp/r-new
#
# 25 runs: `baseline update`, `check` in text/markdown/json (one wall-clock benchmark made 15 % slower, so notes
# and p-values appear), `comment --dry-run`, `--plot` charts, and root cause on the rootcause/lines fixtures.
set -u
if [[ $# -ne 2 ]]; then echo "usage: scripts/render-fixtures.sh GUARD_BINARY OUT_DIR" >&2; exit 2; fi
ROOT="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"
BIN=$(realpath "$1"); OUT=$2; F=$ROOT/guard/tests/fixtures
rm -rf "$OUT"; mkdir -p "$OUT"
export NO_COLOR=1 GUARD_MACHINE_CLASS=test-machine GUARD_CPU_MODEL="AMD EPYC" TZ=UTC
n=0
run() { n=$((n+1)); local name=$1; shift; (cd "$S" && "$BIN" "$@" > "$OUT/$name.out" 2> "$OUT/$name.err"; echo "exit $?" >> "$OUT/$name.out"); }
sandbox() {
  S=${TMPDIR:-/tmp}/guard-render-sandbox; rm -rf "$S"; mkdir -p "$S/target" "$S/baselines"
  cp -r "$F/criterion" "$S/target/criterion"; cp -r "$F/$1" "$S/target/gungraun"
  cp "$F/numpy.json" "$S/baselines/"; cp "$ROOT/thresholds.toml" "$S/"
}
for g in gungraun-identical gungraun-regressed gungraun-newcase; do
  sandbox gungraun-identical
  run "$g-update" baseline update --no-bench --profile pr
  cp -r "$S/baselines" "$OUT/$g-baselines"
  rm -rf "$S/target/gungraun"; cp -r "$F/$g" "$S/target/gungraun"
  # slower wall times for one benchmark: p-value notes and a wall verdict
  python3 - "$S/target/criterion/add/avx2/1000/new/sample.json" <<'PY'
import json,sys
p=sys.argv[1]; d=json.load(open(p)); d["times"]=[t*1.15 for t in d["times"]]; json.dump(d,open(p,"w"))
e=p.replace("sample.json","estimates.json"); d=json.load(open(e))
for k in d: d[k]["point_estimate"]*=1.15
json.dump(d,open(e,"w"))
PY
  for fmt in text markdown json; do run "$g-check-$fmt" check --no-bench --profile pr --format $fmt; done
  run "$g-check-json-file" check --no-bench --profile pr --format json --output "$S/r.json"
  cp "$S/r.json" "$OUT/$g-r.json" 2>/dev/null
  run "$g-comment" comment --dry-run --report "$S/r.json"
  run "$g-plot" check --no-bench --profile pr --plot "$S/plots"
  cp -r "$S/plots" "$OUT/$g-plots" 2>/dev/null
  rm -rf "$S"
done
for g in gungraun-rootcause gungraun-lines; do
  sandbox gungraun-identical
  for fmt in text markdown; do run "$g-check-$fmt" check --no-bench --suite instructions --profile pr --target-dir "$F/$g" --format $fmt; done
  rm -rf "$S"
done
echo "$n runs -> $OUT"
