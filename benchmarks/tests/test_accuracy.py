"""The ulp measure of lanes_bench.accuracy agrees with examples/ulp.rs's definition."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lanes_bench.accuracy import gelu64, ulp_errors


def test_one_ulp_in_each_binade_and_subnormal_unit() -> None:
    want = np.array([1.0, 1.5, 2.0**-126, 2.0**-140, -3.0])
    got = np.array([np.nextafter(np.float32(1), np.float32(2)), 1.5, 2.0**-126, 2.0**-140 + 2.0**-148, -3.0],
                   dtype=np.float32)
    assert ulp_errors(got, want).tolist() == [1.0, 0.0, 0.0, 2.0, 0.0]


def test_half_ulp_off_reference_and_infinities_and_nan() -> None:
    want = np.array([1.0 + 2.0**-24, 2.0**128, math.nan, math.nan, 1.0])
    got = np.array([1.0, np.inf, np.nan, 1.0, np.nan], dtype=np.float32)
    err = ulp_errors(got, want)
    assert err[0] == 0.5 and err[1] == 0.0 and err[2] == 0.0
    assert math.isinf(err[3]) and math.isinf(err[4])


def test_shape_mismatch_is_an_error() -> None:
    with pytest.raises(ValueError, match="shape"):
        ulp_errors(np.zeros(3, dtype=np.float32), np.zeros(4))


def test_gelu_reference_keeps_relative_accuracy_in_the_left_tail() -> None:
    # gelu(-10) = -10 * Q(10) = -7.6198530241605e-23 (Q(10) = 7.61985302416e-24): 1 - erf would round to 0 here.
    assert gelu64(np.array([-10.0]))[0] == pytest.approx(-7.619853024160527e-23, rel=1e-12)
    assert gelu64(np.array([0.0, 3.0])).tolist() == pytest.approx([0.0, 3.0 * 0.9986501019683699])
