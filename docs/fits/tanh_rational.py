"""Fits the rational tanh of src/kernels/math.rs (TANH_P, TANH_Q) and reports its error in float32 arithmetic.

    uv run --project benchmarks --frozen --extra torch python docs/fits/tanh_rational.py   # mpmath comes with torch
    python docs/fits/tanh_rational.py --degrees 6 3 --cap 9.0                             # any env with numpy + mpmath

tanh(x) = x * P(z) / Q(z), z = x^2, for |x| <= CAP (x is clamped to [-CAP, CAP] first; tanh(CAP) rounds to 1 in
float32 when CAP >= 9.01, so clamping there costs nothing). P has degree m, Q degree n, both with constant term 1
(so tanh(x) = x exactly for tiny x). The fit minimises the maximum RELATIVE error of x*P/Q against tanh on a dense
grid of z by Lawson-weighted linearised least squares (Loeb/Sanathanan-Koerner iterations), in mpmath at 40 digits;
coefficients are then rounded to float32 highest degree first, refitting the lower ones each time.

The report evaluates the float32 kernel as the Rust code does (z = x*x rounded, Horner with fused multiply-adds,
x*P rounded, one division) on every float32 in [0, CAP] and prints the maximum error in ulp of the correctly
rounded result, against float64 tanh. The exhaustive check of the real kernel is `cargo run --release --example
ulp -- --funcs tanh --stride 1` (docs/ACCURACY.md).
"""

from __future__ import annotations

import argparse
import math

import mpmath as mp
import numpy as np

mp.mp.dps = 40


def g(z: mp.mpf) -> mp.mpf:
    """tanh(sqrt z)/sqrt z, with its limit 1 at z = 0."""
    if z == 0:
        return mp.mpf(1)
    r = mp.sqrt(z)
    return mp.tanh(r) / r


def solve(zs, gs, w, m, n, fixed_p, fixed_q):
    """Weighted linear least squares for P - g*Q = 0 (p0 = q0 = 1), some high coefficients fixed.

    Unknowns: p1..pm, q1..qn (those not fixed). Residual_i = w_i * (P(z_i) - g_i Q(z_i)).
    """
    unknowns = [("p", k) for k in range(1, m + 1) if k not in fixed_p] + [
        ("q", k) for k in range(1, n + 1) if k not in fixed_q
    ]
    rows, rhs = [], []
    for z, gv, wi in zip(zs, gs, w):
        row = []
        for kind, k in unknowns:
            row.append(wi * (z**k if kind == "p" else -gv * z**k))
        const = mp.mpf(1) - gv  # p0 - g q0
        for k, c in fixed_p.items():
            const += c * z**k
        for k, c in fixed_q.items():
            const -= gv * c * z**k
        rows.append(row)
        rhs.append(-wi * const)
    a = mp.matrix(rows)
    b = mp.matrix(rhs)
    sol = mp.lu_solve(a.T * a, a.T * b)
    p = {0: mp.mpf(1), **fixed_p}
    q = {0: mp.mpf(1), **fixed_q}
    for (kind, k), v in zip(unknowns, sol):
        (p if kind == "p" else q)[k] = v
    return [p[k] for k in range(m + 1)], [q[k] for k in range(n + 1)]


def horner(c, z):
    acc = c[-1]
    for ci in reversed(c[:-1]):
        acc = acc * z + ci
    return acc


def fit(m: int, n: int, cap: float, fixed_p=None, fixed_q=None, iters: int = 30):
    fixed_p = dict(fixed_p or {})
    fixed_q = dict(fixed_q or {})
    zmax = mp.mpf(cap) ** 2
    npts = 400
    # Chebyshev-like nodes in x (dense near 0 and near cap), mapped to z.
    xs = [mp.mpf(cap) * (1 - mp.cos(mp.pi * (i + 0.5) / (2 * npts))) for i in range(npts)]
    xs = [x for x in xs if x > 0]
    zs = [x * x for x in xs]
    gs = [g(z) for z in zs]
    lawson = [mp.mpf(1)] * len(zs)
    qprev = [mp.mpf(1)] * len(zs)
    best = None
    for _ in range(iters):
        w = [mp.sqrt(lw) / (abs(qp) * gv) for lw, qp, gv in zip(lawson, qprev, gs)]
        p, q = solve(zs, gs, w, m, n, fixed_p, fixed_q)
        errs = [horner(p, z) / horner(q, z) / gv - 1 for z, gv in zip(zs, gs)]
        emax = max(abs(e) for e in errs)
        if best is None or emax < best[0]:
            best = (emax, p, q)
        qprev = [horner(q, z) for z in zs]
        tot = sum(lw * abs(e) for lw, e in zip(lawson, errs))
        lawson = [lw * abs(e) / tot for lw, e in zip(lawson, errs)]
    _ = zmax
    return best


def round_f32(m: int, n: int, cap: float):
    """Rounds coefficients to f32 highest degree first (P and Q alternately), refitting the rest each time."""
    fixed_p: dict[int, float] = {}
    fixed_q: dict[int, float] = {}
    order = []
    for k in range(max(m, n), 0, -1):
        if k <= m:
            order.append(("p", k))
        if k <= n:
            order.append(("q", k))
    emax, p, q = fit(m, n, cap)
    for kind, k in order:
        c = p[k] if kind == "p" else q[k]
        (fixed_p if kind == "p" else fixed_q)[k] = mp.mpf(float(np.float32(float(c))))
        emax, p, q = fit(m, n, cap, fixed_p, fixed_q, iters=12)
    return emax, [float(np.float32(float(c))) for c in p], [float(np.float32(float(c))) for c in q]


def f32_kernel(x: np.ndarray, p, q, cap: float) -> np.ndarray:
    """The Rust kernel in float32 (FMA emulated in float64: a*b is exact there, one rounding of the sum)."""
    x = np.minimum(np.maximum(x, np.float32(-cap)), np.float32(cap)).astype(np.float32)
    z = (x * x).astype(np.float32)
    zd = z.astype(np.float64)

    def horner32(c):
        acc = np.full_like(z, np.float32(c[-1]))
        for ci in reversed(c[:-1]):
            acc = (acc.astype(np.float64) * zd + np.float64(np.float32(ci))).astype(np.float32)
        return acc

    num = (x * horner32(p)).astype(np.float32)
    return (num / horner32(q)).astype(np.float32)


def ulp_error(got: np.ndarray, want: np.ndarray) -> np.ndarray:
    """|got - want| in ulp of the correctly rounded want (positive results only here)."""
    w32 = want.astype(np.float32)
    ulp = np.spacing(np.abs(w32)).astype(np.float64)
    # below a power of two the ulp of the exact value can be the smaller one
    lower = np.spacing(np.nextafter(np.abs(w32), np.float32(0))).astype(np.float64)
    ulp = np.where(np.abs(want) < np.abs(w32).astype(np.float64), lower, ulp)
    return np.abs(got.astype(np.float64) - want) / ulp


def report(p, q, cap: float) -> tuple[float, float]:
    lo = np.float32(2.0**-20)
    start = np.array([lo], dtype=np.float32).view(np.uint32)[0]
    end = np.array([np.float32(9.5)], dtype=np.float32).view(np.uint32)[0]
    worst, at = 0.0, 0.0
    step = 1 << 24
    for b in range(int(start), int(end) + 1, step):
        bits = np.arange(b, min(b + step, int(end) + 1), dtype=np.uint32)
        x = bits.view(np.float32)
        got = f32_kernel(x, p, q, cap)
        want = np.tanh(x.astype(np.float64))
        e = ulp_error(got, want)
        i = int(np.argmax(e))
        if e[i] > worst:
            worst, at = float(e[i]), float(x[i])
    return worst, at


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--degrees", nargs=2, type=int, default=[6, 3], metavar=("M", "N"))
    ap.add_argument("--cap", type=float, default=9.0)
    args = ap.parse_args()
    m, n = args.degrees
    emax, p, q = round_f32(m, n, args.cap)
    print(f"degrees P {m}, Q {n}, cap {args.cap}: max relative error of the f32-coefficient fit {float(emax):.3e}")
    print("P (z^0 first):", ", ".join(repr(np.float32(c)) for c in p))
    print("Q (z^0 first):", ", ".join(repr(np.float32(c)) for c in q))
    worst, at = report(p, q, args.cap)
    print(f"float32 kernel on [2^-20, 9.5]: max {worst:.3f} ulp at x = {at!r}")


if __name__ == "__main__":
    main()
