"""The output schema checker, and the committed baseline under it."""

import copy
import json

import pytest
from conftest import BASELINE

from lanes_bench.ops import OPS
from lanes_bench.schema import METADATA_KEYS, result_id, validate


def _result(op="add", size=100, library="numpy", variant="out", **over):
    r = {
        "id": result_id(op, library, size, variant),
        "op": op, "size": size, "library": library, "variant": variant,
        "min_ns": 300.0, "median_ns": 310.0, "iqr_ns": 4.0, "loops": 100_000, "repeats": 7, "min_repeat_s": 0.031,
        "spelling": "np.add(a, b, out=out)", "allocates": False, "alternatives": [],
    }  # fmt: skip
    r.update(over)
    return r


def _doc():
    meta = {key: {} for key in METADATA_KEYS}
    meta["duration_s"] = 1.0
    meta["config"] = {"ops": ["add", "gelu"], "sizes": [100], "libraries": ["numpy"], "quick": False}
    return {
        "schema_version": 1,
        "metadata": meta,
        "results": [_result(), _result(variant="alloc", spelling="a + b", allocates=True)],
        "unsupported": [{"op": "gelu", "library": "numpy", "reason": "no erf"}],
    }


def test_minimal_document_is_valid():
    assert validate(_doc()) == []


def test_ids_follow_the_rust_shape():
    assert result_id("add", "numpy", 1000) == "add/numpy/1000"
    assert result_id("exp", "torch", 100, "alloc") == "exp/torch-alloc/100"


BREAKAGES = {
    "wrong version": (lambda d: d.update(schema_version=2), "schema_version"),
    "metadata missing key": (lambda d: d["metadata"].pop("cpu"), "missing 'cpu'"),
    "unknown op": (lambda d: d["results"][0].update(op="fft"), "unknown op"),
    "bad id": (lambda d: d["results"][0].update(id="add/numpy/1"), "expected 'add/numpy/100'"),
    "negative time": (lambda d: d["results"][0].update(min_ns=-1.0), "min_ns"),
    "nan time": (lambda d: d["results"][0].update(median_ns=float("nan")), "median_ns"),
    "min above median": (lambda d: d["results"][0].update(min_ns=400.0), "min_ns 400.0 > median_ns"),
    "bool loops": (lambda d: d["results"][0].update(loops=True), "loops"),
    "zero repeats": (lambda d: d["results"][0].update(repeats=0), "repeats"),
    "bad variant": (lambda d: d["results"][0].update(variant="inplace"), "variant"),
    "duplicate": (lambda d: d["results"].append(_result()), "duplicate"),
    "missing cell": (lambda d: d["results"].pop(0), "add/numpy/100: neither measured"),
    "measured and unsupported": (
        lambda d: d["results"].append(_result(op="gelu", spelling="x")), "both measured and unsupported"),
    "unsupported without reason": (lambda d: d["unsupported"][0].update(reason=""), "reason"),
    "results not a list": (lambda d: d.update(results={}), "results: not a list"),
    "alternative without time": (
        lambda d: d["results"][0].update(alternatives=[{"spelling": "a + b"}]), "alternatives[0]"),
}  # fmt: skip


@pytest.mark.parametrize("name", BREAKAGES)
def test_checker_reports_each_breakage(name):
    doc = copy.deepcopy(_doc())
    mutate, needle = BREAKAGES[name]
    mutate(doc)
    errors = validate(doc)
    assert any(needle in e for e in errors), errors


def test_non_object_is_rejected():
    assert validate([]) == ["top level: not an object"]


def test_committed_baseline_is_valid_and_complete():
    if not BASELINE.exists():
        pytest.skip(f"{BASELINE} not generated yet")
    doc = json.loads(BASELINE.read_text(encoding="utf-8"))
    assert validate(doc) == []
    config = doc["metadata"]["config"]
    assert not config["quick"]
    assert config["ops"] == list(OPS)
    assert config["sizes"] == [100, 1_000, 10_000, 100_000, 1_000_000]
    assert "numpy" in config["libraries"]
    for r in doc["results"]:
        assert r["repeats"] >= 7, r["id"]
        assert r["min_repeat_s"] >= 0.02, r["id"]
    threads = doc["metadata"]["threads"]
    assert all(pool["num_threads"] == 1 for pool in threads["threadpoolctl"])
    assert threads["environment"]["dispatch_overrides_present"] == []
