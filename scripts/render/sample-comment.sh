#!/usr/bin/env bash
# Writes sample guard PR comments from the committed test fixtures, for scripts/render-report.sh to screenshot:
#
#   OUT/fail.md     FAIL: three instruction-count regressions (ids with `_`), each with its root-cause table
#                   (real callgrind output of tests/fixtures/gungraun-rootcause), the Ir chart, the NumPy section
#                   and the other benchmarks in <details>;
#   OUT/skipped.md  the same run on a machine whose CPU differs from the NumPy numbers' CPU: the NumPy gate is
#                   skipped, with the command that refreshes its numbers.
#
#   scripts/render/sample-comment.sh [OUT]   (default target/screens/sample; GUARD=path/to/guard skips the build)
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$root/target/screens/sample}
mkdir -p "$out"
out=$(cd "$out" && pwd)
guard=${GUARD:-}
if [ -z "$guard" ]; then
  cargo build --quiet --manifest-path "$root/Cargo.toml" -p guard --bin guard
  guard=$root/target/debug/guard
fi
guard=$(cd "$(dirname "$guard")" && pwd)/$(basename "$guard")
fx=$root/guard/tests/fixtures
box=$out/sandbox
rm -rf "$box"
mkdir -p "$box/target" "$box/baselines"
cp -r "$fx/lanes/criterion" "$box/target/criterion"
cp -r "$fx/lanes/gungraun" "$box/gungraun.head"
cp "$fx/numpy.json" "$box/baselines/numpy.json"
cp "$root/thresholds.toml" "$box/"

# The root-cause fixture (exp/avx2/100: Ir +36 %, with callgrind's old and new output) under three ids. The
# baseline is taken from a copy whose Ir is scaled down, so the check sees regressions of 36, 11 and 3 %.
cp -r "$box/gungraun.head" "$box/target/gungraun"
for spec in exp/avx2/100:0.7355 log_softmax/avx2/100000:0.9 norm_l2/avx512/1000:0.97; do
  IFS=/ read -r group fn size <<<"${spec%:*}"
  for tree in "$box/gungraun.head" "$box/target/gungraun"; do
    dir=$tree/lanes/instructions/$group/$fn.n$size
    rm -rf "$dir"
    mkdir -p "$dir"
    cp "$fx/gungraun-rootcause/lanes/instructions/exp/avx2.n100/"* "$dir/"
    factor=1
    if [ "$tree" = "$box/target/gungraun" ]; then factor=${spec##*:}; fi
    python3 -c '
import json, sys
path, group, fn, case, factor = sys.argv[1:]
s = json.load(open(path))
s.update(group=group, function_name=fn, id=case, module_path=f"instructions::{group}::{fn}")
ir = s["profiles"][0]["data"]["total"]["metrics"]["Ir"]["values"]
ir["new"] = round(ir["new"] * float(factor))
json.dump(s, open(path, "w"))
' "$dir/summary.json" "$group" "$fn" "n$size" "$factor"
  done
done

run() {
  (cd "$box" && NO_COLOR=1 GUARD_MACHINE_CLASS=sample GUARD_TODAY=2026-06-01 GUARD_CPU_MODEL="$cpu" "$guard" "$@")
}
cpu="AMD EPYC"
run baseline update --no-bench >/dev/null
rm -rf "$box/target/gungraun"
mv "$box/gungraun.head" "$box/target/gungraun"
run check --no-bench --format markdown --output "$out/fail.md" >/dev/null || [ -s "$out/fail.md" ]
cpu="Intel Xeon"
run check --no-bench --format markdown --output "$out/skipped.md" >/dev/null || [ -s "$out/skipped.md" ]
echo "wrote $out/fail.md and $out/skipped.md"
