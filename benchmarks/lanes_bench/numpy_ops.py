"""NumPy spellings of the 26 ops.

Each op lists every fair spelling we know; the runner times them all briefly and keeps the fastest for the
recorded repeats (the others are listed as ``alternatives`` in the JSON). "Fair" means: the statement computes the
op's result in float32 from the same inputs, writes it into a preallocated ``out`` where NumPy allows that, and may
use preallocated scratch buffers (``tmp``) and preallocated constant arrays (``zeros``, ``s_full``, …) the way a
user tuning NumPy would. Nothing is cached between calls that depends on the input values.
"""

from __future__ import annotations

import math

import numpy as np

from . import generator as gen
from .ops import ALLOC_VARIANT, Spelling, Unsupported

try:  # Optional: NumPy has no erf, SciPy's is a ufunc with out=. Not a dependency of this project.
    from scipy.special import erf as _scipy_erf
except ImportError:  # pragma: no cover - depends on the environment
    _scipy_erf = None

LIBRARY = "numpy"

_SIGMOID_EXP = "np.negative(a, out=out); np.exp(out, out=out); np.add(out, 1.0, out=out); np.reciprocal(out, out=out)"

_OUT: dict[str, list[Spelling]] = {
    "add": [Spelling("np.add(a, b, out=out)")],
    "sub": [Spelling("np.subtract(a, b, out=out)")],
    "mul": [Spelling("np.multiply(a, b, out=out)")],
    "div": [Spelling("np.divide(a, b, out=out)")],
    "scale": [
        Spelling("np.multiply(a, s, out=out)"),
        Spelling("np.multiply(a, 1.5, out=out)"),
        Spelling("np.multiply(a, s_full, out=out)"),
    ],
    "abs": [Spelling("np.abs(a, out=out)")],
    "clamp": [
        Spelling("np.clip(a, lo, hi, out=out)"),
        Spelling("np.minimum(np.maximum(a, lo, out=out), hi, out=out)"),
        Spelling("np.maximum(a, lo_full, out=out); np.minimum(out, hi_full, out=out)"),
    ],
    "lerp": [
        Spelling("np.subtract(b, a, out=out); np.multiply(out, t, out=out); np.add(a, out, out=out)"),
        Spelling("np.subtract(b, a, out=out); np.multiply(out, t_full, out=out); np.add(a, out, out=out)"),
    ],
    # NumPy has no fused multiply-add: two ufuncs, two roundings (lanes' fma rounds once).
    "fma": [Spelling("np.multiply(a, b, out=out); np.add(out, c, out=out)")],
    "relu": [
        Spelling("np.maximum(a, zeros, out=out)"),
        Spelling("np.maximum(a, 0.0, out=out)"),
    ],
    "sigmoid": [
        Spelling(_SIGMOID_EXP),
        Spelling("np.negative(a, out=out); np.exp(out, out=out); np.add(out, ones, out=out); "
                 "np.divide(ones, out, out=out)"),
        Spelling("np.multiply(a, 0.5, out=out); np.tanh(out, out=out); np.multiply(out, 0.5, out=out); "
                 "np.add(out, 0.5, out=out)"),
    ],
    "tanh": [Spelling("np.tanh(a, out=out)")],
    "exp": [Spelling("np.exp(a, out=out)")],
    "swish": [
        Spelling("np.negative(a, out=tmp); np.exp(tmp, out=tmp); np.add(tmp, 1.0, out=tmp); "
                 "np.divide(a, tmp, out=out)"),
        Spelling("np.multiply(a, 0.5, out=tmp); np.tanh(tmp, out=tmp); np.add(tmp, 1.0, out=tmp); "
                 "np.multiply(tmp, a, out=out); np.multiply(out, 0.5, out=out)"),
    ],
    "softmax": [
        Spelling("np.subtract(a, a.max(), out=out); np.exp(out, out=out); np.divide(out, out.sum(), out=out)"),
        Spelling("np.subtract(a, a.max(), out=out); np.exp(out, out=out); "
                 "np.multiply(out, 1.0 / out.sum(), out=out)"),
    ],
    "log_softmax": [
        Spelling("np.subtract(a, a.max(), out=out); np.exp(out, out=tmp); "
                 "np.subtract(out, np.log(tmp.sum()), out=out)"),
    ],
    "dot": [Spelling("np.dot(a, b)", "value"), Spelling("a @ b", "value"), Spelling("np.vdot(a, b)", "value")],
    "sum": [Spelling("a.sum()", "value"), Spelling("np.add.reduce(a)", "value")],
    "max": [Spelling("a.max()", "value"), Spelling("np.maximum.reduce(a)", "value")],
    "min": [Spelling("a.min()", "value"), Spelling("np.minimum.reduce(a)", "value")],
    "argmax": [Spelling("a.argmax()", "value"), Spelling("np.argmax(a)", "value")],
    "argmin": [Spelling("a.argmin()", "value"), Spelling("np.argmin(a)", "value")],
    "norm_l1": [
        Spelling("np.abs(a, out=tmp).sum()", "value"),
        Spelling("np.add.reduce(np.abs(a, out=tmp))", "value"),
        Spelling("np.linalg.norm(a, 1)", "value", allocates=True),
    ],
    "norm_l2": [
        Spelling("math.sqrt(np.dot(a, a))", "value"),
        Spelling("np.sqrt(a @ a)", "value"),
        Spelling("np.linalg.norm(a)", "value"),
    ],
    "norm_linf": [
        Spelling("np.abs(a, out=tmp).max()", "value"),
        Spelling("max(a.max(), -a.min())", "value"),
        Spelling("np.linalg.norm(a, np.inf)", "value", allocates=True),
    ],
}

_ALLOC: dict[str, list[Spelling]] = {
    "add": [Spelling("a + b", "value", allocates=True), Spelling("np.add(a, b)", "value", allocates=True)],
    "exp": [Spelling("np.exp(a)", "value", allocates=True)],
    "relu": [
        Spelling("np.maximum(a, zeros)", "value", allocates=True),
        Spelling("np.maximum(a, 0.0)", "value", allocates=True),
    ],
}

_GELU_ERF = (
    "np.multiply(a, inv_sqrt2, out=tmp); erf(tmp, out=tmp); np.add(tmp, 1.0, out=tmp); "
    "np.multiply(tmp, a, out=out); np.multiply(out, 0.5, out=out)"
)
_NO_ERF = (
    "NumPy has no erf, and gelu here is the exact erf form (torch.nn.functional.gelu's default); "
    "install SciPy into the environment to measure scipy.special.erf (not a dependency of this project)"
)


# What the names in the spellings are (written to the JSON metadata).
NAMES = {
    "a, b, c": "the generator's inputs 0, 1, 2 (float32[n])",
    "out, tmp": "preallocated float32[n] (result, scratch)",
    "zeros, ones": "preallocated float32[n] constant arrays",
    "s, lo, hi, t": "np.float32 scalars 1.5, -5, 5, 0.3",
    "s_full, lo_full, hi_full, t_full": "preallocated float32[n] arrays filled with s, lo, hi, t",
    "inv_sqrt2": "np.float32(1/sqrt(2))",
    "erf": "scipy.special.erf (only when SciPy is installed)",
}


def spellings(op: str, variant: str) -> list[Spelling] | Unsupported:
    """The candidate spellings of ``op`` in ``variant``, or why there is none."""
    if op == "gelu" and variant != ALLOC_VARIANT:
        return [Spelling(_GELU_ERF)] if _scipy_erf is not None else Unsupported(_NO_ERF)
    table = _ALLOC if variant == ALLOC_VARIANT else _OUT
    return table[op]


def namespace(arrays: dict[str, np.ndarray]) -> dict:
    """The names the spellings use, for inputs ``arrays`` (``a``, ``b``, ``c``)."""
    n = arrays["a"].size
    f32 = np.float32
    ns = {
        "np": np,
        "math": math,
        **arrays,
        "out": np.zeros(n, f32),
        "tmp": np.zeros(n, f32),
        "zeros": np.zeros(n, f32),
        "ones": np.ones(n, f32),
        "s": f32(gen.SCALE_S),
        "s_full": np.full(n, gen.SCALE_S, f32),
        "lo": f32(gen.CLAMP_LO),
        "hi": f32(gen.CLAMP_HI),
        "lo_full": np.full(n, gen.CLAMP_LO, f32),
        "hi_full": np.full(n, gen.CLAMP_HI, f32),
        "t": f32(gen.LERP_T),
        "t_full": np.full(n, gen.LERP_T, f32),
        "inv_sqrt2": f32(1.0 / math.sqrt(2.0)),
    }
    if _scipy_erf is not None:
        ns["erf"] = _scipy_erf
    return ns


def result_of(spelling: Spelling, ns: dict):
    """Run ``spelling`` once and return its result as NumPy data (for the correctness check)."""
    if spelling.result == "value":
        return eval(spelling.code, ns)  # noqa: S307 - our own fixed statements
    ns["out"][...] = np.nan
    exec(spelling.code, ns)  # noqa: S102 - our own fixed statements
    return ns["out"].copy()


def overhead_probes() -> list[tuple[str, str, dict]]:
    """Trivial calls that show NumPy's fixed per-call cost: (name, statement, namespace)."""
    x = np.ones(1, np.float32)
    ns = {"np": np, "x1": x, "y1": x.copy(), "o1": np.empty(1, np.float32)}
    return [
        ("numpy_ufunc_1", "np.add(x1, y1, out=o1)", ns),
        ("numpy_reduction_1", "x1.sum()", ns),
    ]
