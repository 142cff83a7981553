#!/usr/bin/env python3
"""NumPy / PyTorch reference timings for the lanes kernels, on the same inputs as the Rust benches.

    uv run --project benchmarks python benchmarks/python_comparison.py [--sizes ...] [--ops ...]
        [--libs numpy,torch] [--quick] [--output FILE]

See benchmarks/README.md for the fairness rules and the JSON schema. Before NumPy is imported the script
re-executes itself with a clean environment (thread variables pinned to 1, OPENBLAS_CORETYPE and other
kernel-selection overrides removed); the JSON records what was changed.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lanes_bench import env  # noqa: E402 - must run before anything imports NumPy

if __name__ == "__main__":
    env.ensure_clean_environment()
    from lanes_bench.cli import main

    sys.exit(main())
