"""The benchmark input generator, bit for bit the same as ``benches/common/gen.rs``.

Algorithm (the Rust module docs are the spec; keep both in sync):

1. SplitMix64: ``state = seed``; for each element ``state += 0x9E3779B97F4A7C15 (mod 2**64)``,
   ``z = state; z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9; z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
   z ^= z >> 31`` (wrapping multiplications).
2. ``u = (z >> 40) * 2**-24`` as float64 (exact, in ``[0, 1)``).
3. ``v = lo + (hi - lo) * u`` in float64 (two separately rounded operations, no fused multiply-add).
4. The element is ``v`` rounded to float32 (round to nearest even).

Input ``k`` (0 for ``a``, 1 for ``b``, 2 for ``c``) of every op uses seed ``BASE_SEED + k`` and range
``[-10, 10)``, except ``div``'s divisor (``k == 1``), which is drawn from ``[0.5, 10)``.

Vectorised with NumPy's uint64 arithmetic, which wraps modulo 2**64 like Rust's ``wrapping_*``.
"""

from __future__ import annotations

import numpy as np

BASE_SEED = 0x5EED_1A4E5
RANGE = (-10.0, 10.0)
DIV_DIVISOR_RANGE = (0.5, 10.0)
SCALE_S = 1.5
CLAMP_LO = -5.0
CLAMP_HI = 5.0
LERP_T = 0.3

_GAMMA = np.uint64(0x9E37_79B9_7F4A_7C15)
_M1 = np.uint64(0xBF58_476D_1CE4_E5B9)
_M2 = np.uint64(0x94D0_49BB_1331_11EB)
_CHUNK = 1 << 16


def _splitmix64(seed: int, start: int, stop: int) -> np.ndarray:
    """SplitMix64 outputs number ``start..stop`` (0-based) of the stream of ``seed``, as uint64."""
    # state_i = seed + (i + 1) * gamma (mod 2**64): the same wrapping sum the Rust loop accumulates.
    idx = np.arange(start + 1, stop + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        z = idx * _GAMMA + np.uint64(seed % (1 << 64))
        z = (z ^ (z >> np.uint64(30))) * _M1
        z = (z ^ (z >> np.uint64(27))) * _M2
        z ^= z >> np.uint64(31)
    return z


def generate(seed: int, n: int, lo: float, hi: float) -> np.ndarray:
    """``n`` float32 values in ``[lo, hi]`` from the SplitMix64 stream of ``seed`` (see the module docs)."""
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    out = np.empty(n, dtype=np.float32)
    width = np.float64(hi) - np.float64(lo)
    for start in range(0, n, _CHUNK):
        stop = min(n, start + _CHUNK)
        z = _splitmix64(seed, start, stop)
        u = (z >> np.uint64(40)).astype(np.float64) * (1.0 / 16_777_216.0)
        # NumPy evaluates these as two separately rounded float64 operations, like the Rust expression.
        v = np.float64(lo) + width * u
        out[start:stop] = v.astype(np.float32)
    return out


def input_range(op: str, k: int) -> tuple[float, float]:
    """The value range of input ``k`` of ``op``."""
    return DIV_DIVISOR_RANGE if op == "div" and k == 1 else RANGE


def op_input(op: str, k: int, n: int) -> np.ndarray:
    """Input ``k`` (0, 1, 2) of ``op`` at size ``n``, as every benchmark of this project sees it."""
    lo, hi = input_range(op, k)
    return generate(BASE_SEED + k, n, lo, hi)


def fnv1a64(values: np.ndarray) -> int:
    """FNV-1a 64 over the little-endian bytes of float32 ``values`` (the parity checksum)."""
    data = np.ascontiguousarray(values, dtype="<f4").tobytes()
    h = 0xCBF2_9CE4_8422_2325
    prime = 0x0100_0000_01B3
    mask = (1 << 64) - 1
    for byte in data:
        h = ((h ^ byte) * prime) & mask
    return h
