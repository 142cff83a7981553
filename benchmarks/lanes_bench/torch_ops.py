"""PyTorch (CPU, one thread) spellings of the 26 ops; same rules as :mod:`lanes_bench.numpy_ops`.

Inputs are ``torch.from_numpy`` views of the generator's arrays, so PyTorch sees the very same bits. Autograd is
off (``torch.set_grad_enabled(False)``), as in inference. Where the public API has no ``out=`` (gelu, silu) the
``torch._C._nn`` functions that back ``torch.nn.functional`` are tried as well; the JSON says which one was used
and whether it allocates.
"""

from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F

from . import generator as gen
from .ops import ALLOC_VARIANT, Spelling, Unsupported

LIBRARY = "torch"


def configure() -> dict:
    """Pin PyTorch to one thread, turn autograd off, and return what it now reports."""
    torch.set_num_threads(1)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:  # already set, or parallel work already started
        pass
    torch.set_grad_enabled(False)
    return {
        "version": torch.__version__,
        "num_threads": torch.get_num_threads(),
        "num_interop_threads": torch.get_num_interop_threads(),
        "cpu_capability": torch.backends.cpu.get_cpu_capability(),
        "mkldnn_enabled": bool(torch.backends.mkldnn.is_available()),
        "parallel_info": torch.__config__.parallel_info(),
    }


_OUT: dict[str, list[Spelling]] = {
    "add": [Spelling("torch.add(a, b, out=out)")],
    "sub": [Spelling("torch.sub(a, b, out=out)")],
    "mul": [Spelling("torch.mul(a, b, out=out)")],
    "div": [Spelling("torch.div(a, b, out=out)")],
    "scale": [
        Spelling("torch.mul(a, 1.5, out=out)"),
        Spelling("torch.mul(a, s0, out=out)"),
        Spelling("torch.mul(a, s_full, out=out)"),
    ],
    "abs": [Spelling("torch.abs(a, out=out)")],
    "clamp": [
        Spelling("torch.clamp(a, -5.0, 5.0, out=out)"),
        Spelling("torch.clamp(a, lo_full, hi_full, out=out)"),
    ],
    # torch.lerp uses a + w*(b - a) for |w| < 0.5, the lanes formula.
    "lerp": [Spelling("torch.lerp(a, b, 0.3, out=out)"), Spelling("torch.lerp(a, b, t_full, out=out)")],
    # c + a*b; ATen does not promise a single rounding (lanes' fma rounds once).
    "fma": [Spelling("torch.addcmul(c, a, b, out=out)")],
    "relu": [
        Spelling("torch.clamp_min(a, 0.0, out=out)"),
        Spelling("torch.maximum(a, zeros, out=out)"),
    ],
    "sigmoid": [Spelling("torch.sigmoid(a, out=out)")],
    "tanh": [Spelling("torch.tanh(a, out=out)")],
    "exp": [Spelling("torch.exp(a, out=out)")],
    "gelu": [
        Spelling("torch._C._nn.gelu(a, out=out)"),
        Spelling("F.gelu(a)", "value", allocates=True),
    ],
    "swish": [
        Spelling("torch._C._nn.silu(a, out=out)"),
        Spelling("F.silu(a)", "value", allocates=True),
    ],
    "softmax": [Spelling("torch.softmax(a, 0, out=out)"), Spelling("torch.softmax(a, 0)", "value", allocates=True)],
    "log_softmax": [
        Spelling("torch.log_softmax(a, 0, out=out)"),
        Spelling("torch.log_softmax(a, 0)", "value", allocates=True),
    ],
    "dot": [Spelling("torch.dot(a, b)", "value")],
    "sum": [Spelling("torch.sum(a)", "value"), Spelling("a.sum()", "value")],
    "max": [Spelling("torch.max(a)", "value"), Spelling("torch.amax(a)", "value")],
    "min": [Spelling("torch.min(a)", "value"), Spelling("torch.amin(a)", "value")],
    "argmax": [Spelling("torch.argmax(a)", "value")],
    "argmin": [Spelling("torch.argmin(a)", "value")],
    "norm_l1": [
        Spelling("torch.linalg.vector_norm(a, 1)", "value"),
        Spelling("torch.abs(a, out=tmp).sum()", "value"),
    ],
    "norm_l2": [
        Spelling("torch.linalg.vector_norm(a)", "value"),
        Spelling("torch.dot(a, a).sqrt()", "value"),
    ],
    "norm_linf": [
        Spelling("torch.linalg.vector_norm(a, math.inf)", "value"),
        Spelling("torch.abs(a, out=tmp).max()", "value"),
    ],
}

_ALLOC: dict[str, list[Spelling]] = {
    "add": [Spelling("a + b", "value", allocates=True), Spelling("torch.add(a, b)", "value", allocates=True)],
    "exp": [Spelling("torch.exp(a)", "value", allocates=True)],
    "relu": [Spelling("torch.relu(a)", "value", allocates=True)],
}


# What the names in the spellings are (written to the JSON metadata).
NAMES = {
    "a, b, c": "torch.from_numpy views of the generator's inputs 0, 1, 2 (float32[n])",
    "out, tmp": "preallocated float32[n] tensors (result, scratch)",
    "zeros": "preallocated torch.zeros(n)",
    "s0": "0-d float32 tensor 1.5",
    "s_full, lo_full, hi_full, t_full": "preallocated float32[n] tensors filled with 1.5, -5, 5, 0.3",
    "F": "torch.nn.functional",
}


def spellings(op: str, variant: str) -> list[Spelling] | Unsupported:
    """The candidate spellings of ``op`` in ``variant`` (PyTorch has all 26)."""
    return (_ALLOC if variant == ALLOC_VARIANT else _OUT)[op]


def namespace(arrays: dict[str, np.ndarray]) -> dict:
    """The names the spellings use; ``a``, ``b``, ``c`` share memory with the NumPy inputs."""
    n = arrays["a"].size
    return {
        "torch": torch,
        "F": F,
        "math": math,
        **{name: torch.from_numpy(arr) for name, arr in arrays.items()},
        "out": torch.zeros(n, dtype=torch.float32),
        "tmp": torch.zeros(n, dtype=torch.float32),
        "zeros": torch.zeros(n, dtype=torch.float32),
        "s0": torch.tensor(gen.SCALE_S, dtype=torch.float32),
        "s_full": torch.full((n,), gen.SCALE_S, dtype=torch.float32),
        "lo_full": torch.full((n,), gen.CLAMP_LO, dtype=torch.float32),
        "hi_full": torch.full((n,), gen.CLAMP_HI, dtype=torch.float32),
        "t_full": torch.full((n,), gen.LERP_T, dtype=torch.float32),
    }


def result_of(spelling: Spelling, ns: dict):
    """Run ``spelling`` once and return its result as NumPy data (for the correctness check)."""
    if spelling.result == "value":
        value = eval(spelling.code, ns)  # noqa: S307 - our own fixed statements
        return value.numpy().copy() if value.dim() > 0 else value.item()
    ns["out"].fill_(math.nan)
    exec(spelling.code, ns)  # noqa: S102 - our own fixed statements
    return ns["out"].numpy().copy()


def overhead_probes() -> list[tuple[str, str, dict]]:
    """Trivial calls that show PyTorch's fixed per-call cost: (name, statement, namespace)."""
    x = torch.ones(1)
    ns = {"torch": torch, "x1": x, "y1": x.clone(), "o1": torch.empty(1)}
    return [
        ("torch_op_1", "torch.add(x1, y1, out=o1)", ns),
        ("torch_reduction_1", "torch.sum(x1)", ns),
    ]
