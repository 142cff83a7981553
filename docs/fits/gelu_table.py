"""Generates the gelu tables of src/kernels/math.rs (GELU_C, GELU_M) and reports their fit error.

    uv run --project benchmarks --frozen --extra torch python docs/fits/gelu_table.py   # mpmath comes with torch

For each unit interval k = 0..14 of a = |x| (centre k, delta = a - k in [-1/2, 1/2], [0, 1/2] for k = 0):
  Q(a) = erfc(a/sqrt2)/2, ln Q(k) = ln M_k + N_k ln 2 with M_k in [1, 2) rounded to f32, and C_k(delta) a degree-5
  polynomial without constant term for ln Q(k + delta) + k*delta - ln M_k - N_k ln 2 (whose value at delta = 0 is
  only M_k's rounding, below 2^-25), fitted by least squares on Chebyshev nodes with the coefficients rounded to
  f32 one at a time from the highest degree (refitting the rest each time).
GELU_C[j] holds coefficient j + 1; GELU_M stores M_k * 2^(N_k + 100) (exact: only the exponent changes).
Entry 15 of every table repeats entry 14.
"""

from __future__ import annotations

import mpmath as mp
import numpy as np

mp.mp.dps = 40
DEGREE = 5
INTERVALS = 15
BIAS = 100
LN2 = mp.log(2)


def ln_q(a) -> mp.mpf:
    return mp.log(mp.erfc(mp.mpf(a) / mp.sqrt(2)) / 2)


def f32(v) -> float:
    return float(np.float32(v))


def fit(k: int) -> tuple[list[float], float, int, float]:
    """Coefficients c0..c5 (f32, c0 = 0), M_k (f32), N_k and the max absolute error of C_k."""
    a0 = ln_q(k)
    n = int(mp.floor(a0 / LN2))
    m = f32(mp.exp(a0 - n * LN2))
    lo = 0.0 if k == 0 else -0.5
    nodes = 200
    t = np.cos(np.pi * (np.arange(nodes) + 0.5) / nodes)
    d = lo + (t + 1) / 2 * (0.5 - lo)

    def target(delta: float) -> float:
        delta = mp.mpf(delta)
        return float(ln_q(k + delta) + k * delta - mp.log(m) - n * LN2)

    ys = np.array([target(x) for x in d])
    # No constant term: C_k(0) = 0 (one table lookup fewer; at delta = 0 the error is M_k's rounding, < 2^-25).
    # It also keeps gelu(-0) = -0 on every backend.
    fixed: dict[int, float] = {0: 0.0}
    for deg in range(DEGREE, -1, -1):
        if deg in fixed:
            continue
        free = [p for p in range(DEGREE + 1) if p not in fixed]
        basis = np.vstack([d**p for p in free]).T
        rhs = ys - sum(c * d**p for p, c in fixed.items())
        sol, *_ = np.linalg.lstsq(basis, rhs, rcond=None)
        fixed[deg] = f32(dict(zip(free, sol))[deg])
    coeffs = [fixed[p] for p in range(DEGREE + 1)]
    check = np.linspace(lo, 0.5, 801)
    err = max(abs(np.polyval(coeffs[::-1], x) - target(x)) for x in check)
    return coeffs, m, n, err


def rust_row(values: list[float]) -> str:
    return "[" + ", ".join(np.format_float_scientific(np.float32(v), unique=True, trim="-") for v in values) + "]"


def main() -> None:
    rows = [fit(k) for k in range(INTERVALS)]
    rows.append(rows[-1])
    for k, (_, m, n, err) in enumerate(rows[:INTERVALS]):
        print(f"// k={k:2} N={n:5} M={m:.9g} max |error| {err:.2e}")
    print(f"// worst {max(r[3] for r in rows):.2e}")
    print(f"const GELU_C: [[f32; 16]; {DEGREE}] = [")
    for j in range(1, DEGREE + 1):
        print("    " + rust_row([r[0][j] for r in rows]) + ",")
    print("];")
    scaled = [m * 2.0 ** (n + BIAS) for _, m, n, _ in rows]
    assert all(f32(v) == v for v in scaled), "M_k * 2^(N_k + BIAS) must be exact in f32"
    print("const GELU_M: [f32; 16] = " + rust_row(scaled) + ";")


if __name__ == "__main__":
    main()
