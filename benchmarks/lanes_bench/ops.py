"""The 26 ops, their inputs, and a float64 reference used to check that every spelling computes the right thing.

Semantics are those of the `lanes` crate (issue 3): ``lerp = a + t*(b - a)``, ``fma = a*b + c``,
``swish = x*sigmoid(x)``, ``gelu`` is the exact erf form, softmax / log_softmax are over the whole vector,
``argmax`` / ``argmin`` give the first index of the extreme value, norms are l1 / l2 / l-infinity.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import generator as gen

#: The one list of ops (names, inputs, outputs) and sizes, shared with the Rust benches (tests/op_manifest.rs).
MANIFEST = Path(__file__).resolve().parents[2] / "benches" / "data" / "ops.json"
_MANIFEST = json.loads(MANIFEST.read_text(encoding="utf-8"))

OPS: tuple[str, ...] = tuple(op["name"] for op in _MANIFEST["ops"])
SIZES: tuple[int, ...] = tuple(int(n) for n in _MANIFEST["sizes"])

# Number of array inputs (a, b, c) of each op.
ARITY: dict[str, int] = {op["name"]: int(op["inputs"]) for op in _MANIFEST["ops"]}
# Ops that return a value instead of writing an output array.
REDUCTIONS = frozenset(op["name"] for op in _MANIFEST["ops"] if not op["writes"])

# "out": the fastest fair spelling, with preallocated outputs wherever the library accepts them.
# "alloc": the allocating spelling (a new result array per call), recorded for a few ops to show the difference.
PRIMARY_VARIANT = "out"
ALLOC_VARIANT = "alloc"
ALLOC_VARIANT_OPS = ("add", "exp", "relu")


def variants(op: str) -> tuple[str, ...]:
    """The variants measured for ``op``."""
    return (PRIMARY_VARIANT, ALLOC_VARIANT) if op in ALLOC_VARIANT_OPS else (PRIMARY_VARIANT,)


@dataclass(frozen=True)
class Spelling:
    """One way to write an op in a library.

    ``code`` is the exact statement timed. ``result`` says where its result is: ``"out"`` (written into the
    preallocated ``out``) or ``"value"`` (``code`` is an expression). ``allocates`` is true when each call creates
    a new result array.
    """

    code: str
    result: str = "out"
    allocates: bool = False


@dataclass(frozen=True)
class Unsupported:
    """The library has no fair equivalent of the op."""

    reason: str


def inputs(op: str, n: int) -> dict[str, np.ndarray]:
    """The generator's arrays ``a``, ``b``, ``c`` (as many as ``op`` takes) at size ``n``."""
    return {name: gen.op_input(op, k, n) for k, name in enumerate("abc"[: ARITY[op]])}


def reference(op: str, arrays: dict[str, np.ndarray]):
    """The float64 result of ``op`` on ``arrays`` (an array, a float, or an index)."""
    a = arrays["a"].astype(np.float64)
    b = arrays["b"].astype(np.float64) if "b" in arrays else None
    c = arrays["c"].astype(np.float64) if "c" in arrays else None
    if op in ("softmax", "log_softmax"):
        shifted = a - a.max()
        e = np.exp(shifted)
        return e / e.sum() if op == "softmax" else shifted - np.log(e.sum())
    sig = 1.0 / (1.0 + np.exp(-a))
    table = {
        "add": lambda: a + b,
        "sub": lambda: a - b,
        "mul": lambda: a * b,
        "div": lambda: a / b,
        "scale": lambda: a * gen.SCALE_S,
        "abs": lambda: np.abs(a),
        "clamp": lambda: np.clip(a, gen.CLAMP_LO, gen.CLAMP_HI),
        "lerp": lambda: a + gen.LERP_T * (b - a),
        "fma": lambda: a * b + c,
        "relu": lambda: np.maximum(a, 0.0),
        "sigmoid": lambda: sig,
        "tanh": lambda: np.tanh(a),
        "exp": lambda: np.exp(a),
        "gelu": lambda: 0.5 * a * (1.0 + np.array([math.erf(x / math.sqrt(2.0)) for x in a])),
        "swish": lambda: a * sig,
        "dot": lambda: float(a @ b),
        "sum": lambda: float(a.sum()),
        "max": lambda: float(a.max()),
        "min": lambda: float(a.min()),
        "argmax": lambda: int(np.argmax(arrays["a"])),
        "argmin": lambda: int(np.argmin(arrays["a"])),
        "norm_l1": lambda: float(np.abs(a).sum()),
        "norm_l2": lambda: float(np.sqrt(a @ a)),
        "norm_linf": lambda: float(np.abs(a).max()),
    }
    return table[op]()


def check(op: str, arrays: dict[str, np.ndarray], got) -> str | None:
    """None if ``got`` (a float32 array, a scalar or an index) matches the reference, else what is wrong."""
    want = reference(op, arrays)
    if op in ("argmax", "argmin"):
        return None if int(got) == want else f"index {int(got)}, expected {want}"
    if op in REDUCTIONS:
        a = arrays["a"].astype(np.float64)
        terms = np.abs(a * arrays["b"]) if op == "dot" else np.abs(a)
        tol = 1e-5 * float(terms.sum()) + 1e-6
        if op == "norm_l2":
            tol = 1e-5 * max(want, 1.0)
        return None if abs(float(got) - want) <= tol else f"{float(got)!r}, expected {want!r} (tolerance {tol:.3g})"
    got = np.asarray(got, dtype=np.float64)
    if got.shape != want.shape:
        return f"shape {got.shape}, expected {want.shape}"
    # This catches a wrong formula, not an inaccurate library: it allows every library's float32 transcendentals
    # (PyTorch's vectorised gelu is off by ~5 ulp and flushes results below ~1e-9 to 0) and two-rounding
    # compositions, but not, e.g., the tanh approximation of gelu (off by up to ~5e-4) or a wrong constant.
    scale = max(1.0, float(np.max(np.abs(want)))) if want.size else 1.0
    err = np.abs(got - want) - (1e-4 * np.abs(want) + 1e-6 * scale)
    if np.all(err <= 0):
        return None
    i = int(np.argmax(err))
    return f"element {i}: {got[i]!r}, expected {want[i]!r}"
