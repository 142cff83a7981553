"""How accurate PyTorch's CPU gelu is, measured like lanes' own kernels (docs/ACCURACY.md's unit and reference).

    uv run --project benchmarks --frozen --extra torch python benchmarks/torch_accuracy.py

Inputs: every float32 on a dense grid of [-14, 14] (2,000,001 values) plus the benchmark inputs (the project's
generator, uniform in [-10, 10)). Reference: ``x/2 * erfc(-x/sqrt(2))`` in float64. Prints the largest error, how
many inputs exceed the 4-ulp contract lanes keeps, per range of x, and how many nonzero results PyTorch flushes
to 0. Single-threaded, as in the speed comparison.
"""

from __future__ import annotations

import sys

import numpy as np

from lanes_bench.accuracy import gelu64, ulp_errors
from lanes_bench.generator import op_input

try:
    import torch
except ImportError:
    sys.exit("torch_accuracy.py: PyTorch is not installed; run with `uv run --project benchmarks --extra torch ...`")


def main() -> None:
    torch.set_num_threads(1)
    xs = np.concatenate([np.linspace(-14, 14, 2_000_001, dtype=np.float32), op_input("gelu", 0, 1_000_000)])
    got = torch.nn.functional.gelu(torch.from_numpy(xs)).numpy()
    want = gelu64(xs)
    err = ulp_errors(got, want)
    worst = int(np.argmax(err))
    print(f"PyTorch {torch.__version__} gelu (exact erf form), {len(xs):,} inputs:")
    print(f"  max error {err[worst]:.4g} ulp at x = {xs[worst]:.8g} (got {got[worst]:.8g}, want {want[worst]:.8g})")
    print(f"  inputs over 4 ulp: {(err > 4).sum():,} ({(err > 4).mean():.1%}); median error {np.median(err):.3g} ulp")
    for lo, hi in [(-14, -5), (-5, -1), (-1, 0), (0, 14)]:
        m = (xs >= lo) & (xs < hi)
        print(f"  x in [{lo}, {hi}): max {err[m].max():.4g} ulp, over 4 ulp: {(err[m] > 4).sum():,}")
    flushed = (got == 0) & (want != 0)
    if flushed.any():
        print(f"  nonzero results returned as 0: {flushed.sum():,} (every x <= {xs[flushed].max():.7g} among them)")


if __name__ == "__main__":
    main()
