"""Parity with the Rust generator: every case of the committed checksum file, bit for bit."""

import json

import numpy as np
import pytest
from conftest import CHECKSUMS

from lanes_bench import generator as gen

SPEC = json.loads(CHECKSUMS.read_text(encoding="utf-8"))


def test_constants_match_the_checksum_file():
    assert SPEC["version"] == 1
    assert SPEC["base_seed"] == gen.BASE_SEED == 0x5EED_1A4E5


@pytest.mark.parametrize("case", SPEC["cases"], ids=lambda c: f"{c['op']}-in{c['input']}-n{c['n']}")
def test_checksum(case):
    values = gen.op_input(case["op"], case["input"], case["n"])
    assert values.dtype == np.float32 and values.shape == (case["n"],)
    bits = [f"0x{b:08x}" for b in values[: len(case["first_bits"])].view("<u4")]
    assert bits == [b.lower() for b in case["first_bits"]]
    assert f"{gen.fnv1a64(values):016x}" == case["fnv1a64"].lower()


def test_chunk_boundaries_do_not_change_the_stream():
    # generate() works in chunks; a prefix must equal the same-length stream generated on its own.
    n = (1 << 16) + 5
    long = gen.generate(123, n, -1.0, 1.0)
    assert np.array_equal(long[: (1 << 16) - 3].view("<u4"), gen.generate(123, (1 << 16) - 3, -1.0, 1.0).view("<u4"))
    assert np.array_equal(long[-5:], gen.generate(123, n, -1.0, 1.0)[-5:])


def test_values_lie_in_range_and_divisor_is_positive():
    a = gen.op_input("exp", 0, 10_000)
    assert a.min() >= -10.0 and a.max() <= 10.0
    divisor = gen.op_input("div", 1, 10_000)
    assert divisor.min() >= 0.5 and divisor.max() <= 10.0


def test_seed_wraps_like_u64():
    # seed + k may exceed 2**64 - 1 for a user-chosen seed; Rust wraps, so must we.
    assert np.array_equal(gen.generate(2**64 - 1, 3, 0.0, 1.0), gen.generate(-1, 3, 0.0, 1.0))


def test_fnv1a64_of_empty_input_is_the_offset_basis():
    assert gen.fnv1a64(np.zeros(0, np.float32)) == 0xCBF29CE484222325
