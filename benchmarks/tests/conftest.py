"""Shared paths for the benchmarks/ tests."""

from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[1]
REPO = BENCHMARKS.parent
SCRIPT = BENCHMARKS / "python_comparison.py"
CHECKSUMS = REPO / "benches" / "data" / "generator_checksums.json"
BASELINE = REPO / "baselines" / "numpy.json"
