#!/usr/bin/env bash
# The lanes / NumPy / PyTorch table of docs/PERFORMANCE.md, measured in ONE run, interleaved per op:
# for each op, NumPy + PyTorch (python_comparison.py --ops OP --clock cpu), then the lanes wall-clock suite for
# that op (full profile, LANES_BENCH_CLOCK=cpu), so both sides of every ratio are measured minutes apart with
# the same clock (thread CPU time) and the same statistic (median). Then a STREAM-like bandwidth run and the table.
#
#   benchmarks/perf_table.sh [OP ...]          # default: all 26 ops; ~25 min on this 2-core machine
#
# Environment:
#   LANES_TABLE_DIR   output directory (default target/perf-table): py/<op>.json, criterion/<op>/…,
#                     lanes.json (guard's report on criterion/), stream.json, table.md
#   LANES_TABLE_LIBS  python libraries (default numpy,torch; torch needs the optional extra, installed on demand)
# Exit status: 0 table written, 1 a step failed, 127 a tool is missing.
set -euo pipefail

ROOT="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
OUT="${LANES_TABLE_DIR:-$ROOT/target/perf-table}"
LIBS="${LANES_TABLE_LIBS:-numpy,torch}"

for tool in uv cargo cc; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "perf_table.sh: '$tool' is not installed or not on PATH" >&2
        exit 127
    fi
done
extra=()
if [[ "$LIBS" == *torch* ]]; then extra=(--extra torch); fi

if [[ $# -gt 0 ]]; then ops=("$@"); else
    # The one list of ops, in table order (benches/data/ops.json).
    mapfile -t ops < <(python3 -c 'import json, sys; [print(o["name"]) for o in json.load(sys.stdin)["ops"]]' \
        < benches/data/ops.json)
fi

mkdir -p "$OUT/py" "$OUT/criterion"
say() { printf '\n==> %s (%s, load %s)\n' "$*" "$(date +%T)" "$(cut -d' ' -f1 /proc/loadavg)" >&2; }

say "building the wall-clock suite (bench profile) and guard"
LANES_BENCH_PROFILE=full cargo bench --bench wall --no-run
cargo build --release --locked -q --bin guard

for op in "${ops[@]}"; do
    say "$op: python ($LIBS)"
    uv run --project benchmarks --frozen ${extra[@]+"${extra[@]}"} python benchmarks/python_comparison.py \
        --ops "$op" --libs "$LIBS" --clock cpu --output "$OUT/py/$op.json"
    say "$op: lanes (Criterion, every backend and size)"
    rm -rf "target/criterion/$op"
    LANES_BENCH_PROFILE=full LANES_BENCH_CLOCK=cpu cargo bench --bench wall -- "^$op/" --noplot >/dev/null
    rm -rf "${OUT:?}/criterion/$op"
    cp -r "target/criterion/$op" "$OUT/criterion/$op"
done

say "STREAM-like bandwidth (benchmarks/stream/stream.c, cc -O3 -march=native)"
cc -O3 -march=native -o "$OUT/stream" benchmarks/stream/stream.c
"$OUT/stream" 1000000 > "$OUT/stream.json"
cat "$OUT/stream.json" >&2

say "lanes' results -> $OUT/lanes.json (guard reads Criterion's tree; no baselines, so every cell is new)"
mkdir -p "$OUT/no-baselines"
cargo run --release --locked -q --bin guard -- check --suite wall --no-bench --profile full --target-dir "$OUT" \
    --baselines "$OUT/no-baselines" --format json --output "$OUT/lanes.json"

say "table -> $OUT/table.md"
PYTHONPATH="$ROOT/benchmarks" uv run --project benchmarks --frozen python -m lanes_bench.table --lanes "$OUT/lanes.json" \
    --python "$OUT"/py/*.json --stream "$OUT/stream.json" --output "$OUT/table.md"
echo "$OUT/table.md"
