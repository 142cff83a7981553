#!/usr/bin/env bash
# The whole picture in one command: NumPy (and optionally PyTorch) timings, both Rust bench suites, then the guard.
#
#   benchmarks/run_all.sh [python_comparison.py options, e.g. --libs numpy,torch]
#
# Works from any directory. Environment:
#   LANES_BENCH_PROFILE=pr|full   Rust bench profile (default: pr)
#   LANES_NUMPY_JSON=FILE         where the Python side writes its JSON (default: target/lanes-bench/numpy.json)
# Exit status: the guard's (0 pass, 1 regression, 2 error), or the first failing step's.
set -euo pipefail

ROOT="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

need() {
    local tool=$1 how=$2
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "run_all.sh: '$tool' is not installed or not on PATH. $how" >&2
        exit 127
    fi
}
need uv "Install it with: pip install uv"
need cargo "Install the Rust toolchain with rustup (the repository's rust-version is in Cargo.toml)."
need valgrind "The instruction-count suite (gungraun) runs under it: apt-get install valgrind (Debian/Ubuntu)."

export LANES_BENCH_PROFILE="${LANES_BENCH_PROFILE:-pr}"
case "$LANES_BENCH_PROFILE" in
    pr | full) ;;
    *) echo "run_all.sh: LANES_BENCH_PROFILE must be 'pr' or 'full', got '$LANES_BENCH_PROFILE'" >&2; exit 2 ;;
esac
NUMPY_JSON="${LANES_NUMPY_JSON:-$ROOT/target/lanes-bench/numpy.json}"

extra=()
for arg in "$@"; do
    if [[ "$arg" == *torch* ]]; then extra=(--extra torch); fi
done

step() { printf '\n==> %s\n' "$*" >&2; }

step "Python side: NumPy/PyTorch reference timings -> $NUMPY_JSON"
uv run --project benchmarks --frozen ${extra[@]+"${extra[@]}"} python benchmarks/python_comparison.py --output "$NUMPY_JSON" "$@"

step "Rust wall-clock suite (Criterion), profile $LANES_BENCH_PROFILE"
cargo bench --bench wall

step "Rust instruction-count suite (gungraun), profile $LANES_BENCH_PROFILE"
cargo bench --bench instructions

step "guard check"
status=0
cargo run --release --bin guard -- check --no-bench --numpy "$NUMPY_JSON" || status=$?
case $status in
    0) step "guard: pass" ;;
    1) step "guard: regression found (exit 1)" ;;
    *) step "guard: error (exit $status)" ;;
esac
exit "$status"
