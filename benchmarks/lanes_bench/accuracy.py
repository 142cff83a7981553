"""ulp errors of float32 results against float64 references, measured the way ``examples/ulp.rs`` does.

Error unit: ulp of the correctly rounded float32 result; below 2**-126 (subnormal results) the unit is 2**-149.
Infinities compare as +-2**128; NaN matches only NaN (else the error is infinite).
"""

from __future__ import annotations

import math

import numpy as np

BIG = 2.0**128


def ulp_errors(got: np.ndarray, want: np.ndarray) -> np.ndarray:
    """Per-element error of float32 ``got`` against float64 ``want``, in ulps (see the module docs)."""
    got64 = np.asarray(got, dtype=np.float32).astype(np.float64)
    want = np.asarray(want, dtype=np.float64)
    if got64.shape != want.shape:
        raise ValueError(f"got has shape {got64.shape}, want has shape {want.shape}")
    got64 = np.where(np.isinf(got64), np.copysign(BIG, got64), got64)
    w = np.clip(want, -BIG, BIG)
    mag = np.minimum(np.abs(w), 2.0**127)
    with np.errstate(divide="ignore", invalid="ignore"):
        exponent = np.floor(np.log2(np.where(mag > 0, mag, 1.0)))
        ulp = np.where(mag < 2.0**-126, 2.0**-149, np.exp2(exponent - 23))
        err = np.abs(got64 - w) / ulp
    got_nan, want_nan = np.isnan(got64), np.isnan(want)
    return np.where(got_nan | want_nan, np.where(got_nan & want_nan, 0.0, math.inf), err)


def gelu64(x: np.ndarray) -> np.ndarray:
    """Exact-erf gelu in float64: ``x/2 * erfc(-x/sqrt(2))`` (relative accuracy also far in the left tail)."""
    erfc = np.vectorize(math.erfc, otypes=[np.float64])
    x = np.asarray(x, dtype=np.float64)
    return 0.5 * x * erfc(-x / math.sqrt(2.0))
