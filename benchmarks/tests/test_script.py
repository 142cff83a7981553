"""The script end to end in its fast mode: environment cleaning, single thread, output that passes the checker."""

import importlib.util
import json
import os
import subprocess
import sys

import numpy as np
import pytest
from conftest import SCRIPT

from lanes_bench import env, ops
from lanes_bench.ops import OPS
from lanes_bench.schema import validate
from lanes_bench.timing import summarize

HAVE_TORCH = importlib.util.find_spec("torch") is not None


def _run(tmp_path, *args, extra_env=None, timeout=120):
    out = tmp_path / "out.json"
    environ = dict(os.environ) | (extra_env or {})
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--output", str(out), *args],
        capture_output=True, text=True, env=environ, timeout=timeout, check=False,
    )  # fmt: skip
    return proc, out


@pytest.fixture(scope="module")
def quick_numpy(tmp_path_factory):
    """One quick run over all 26 ops with the slow-NumPy variables and a multi-thread request set."""
    tmp = tmp_path_factory.mktemp("quick")
    proc, out = _run(
        tmp, "--sizes", "7,100", "--libs", "numpy",
        extra_env={"OPENBLAS_CORETYPE": "Prescott", "OPENBLAS_L2_SIZE": "12345", "OMP_NUM_THREADS": "2"},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return json.loads(out.read_text(encoding="utf-8")), proc.stderr


def test_output_passes_the_schema_check(quick_numpy):
    doc, _ = quick_numpy
    assert validate(doc) == []


def test_every_op_and_size_is_measured_or_declared(quick_numpy):
    doc, _ = quick_numpy
    measured = {(r["op"], r["size"]) for r in doc["results"] if r["variant"] == "out"}
    declared = {u["op"] for u in doc["unsupported"]}
    for op in OPS:
        assert op in declared or {(op, 7), (op, 100)} <= measured, op
    variants = {(r["op"], r["variant"]) for r in doc["results"]}
    assert {("add", "alloc"), ("exp", "alloc"), ("relu", "alloc")} <= variants


def test_gelu_is_unsupported_without_scipy(quick_numpy):
    doc, _ = quick_numpy
    if importlib.util.find_spec("scipy") is not None:
        pytest.skip("SciPy is installed: gelu is measured with scipy.special.erf")
    (entry,) = [u for u in doc["unsupported"] if u["op"] == "gelu"]
    assert "erf" in entry["reason"]


def test_environment_was_cleaned_and_recorded(quick_numpy):
    doc, _ = quick_numpy
    environment = doc["metadata"]["threads"]["environment"]
    assert environment["reexecuted"] is True
    assert environment["replaced"]["OPENBLAS_CORETYPE"] == "Prescott"
    assert environment["replaced"]["OPENBLAS_L2_SIZE"] == "12345"
    assert environment["replaced"]["OMP_NUM_THREADS"] == "2"
    assert environment["dispatch_overrides_present"] == []
    assert set(environment["thread_vars"].values()) == {"1"}
    for pool in doc["metadata"]["threads"]["threadpoolctl"]:
        assert pool["num_threads"] == 1, pool
        assert pool.get("architecture") != "Prescott", pool


def test_metadata_records_machine_and_dispatch(quick_numpy):
    doc, _ = quick_numpy
    meta = doc["metadata"]
    assert meta["libraries"]["numpy"] == np.__version__
    assert meta["generator"]["base_seed"] == 0x5EED_1A4E5
    assert meta["numpy"]["cpu_baseline"]
    if meta["numpy"]["dispatched_float32"] is not None:
        assert "exp" in meta["numpy"]["dispatched_float32"]
    if os.path.exists("/proc/cpuinfo"):
        assert meta["cpu"]["flags"]
    names = {f["name"] for f in meta["overhead_floor"]}
    assert {"empty_statement", "numpy_ufunc_1", "numpy_reduction_1"} <= names


def test_results_are_plausible(quick_numpy):
    doc, _ = quick_numpy
    by_id = {r["id"]: r for r in doc["results"]}
    floor = {f["name"]: f["min_ns"] for f in doc["metadata"]["overhead_floor"]}
    # Nothing is subtracted: a NumPy call cannot beat the empty statement.
    assert by_id["add/numpy/100"]["min_ns"] > floor["empty_statement"]
    assert by_id["add/numpy/100"]["spelling"] == "np.add(a, b, out=out)"
    assert by_id["add/numpy-alloc/100"]["allocates"] is True


@pytest.mark.skipif(not HAVE_TORCH, reason="PyTorch not installed (uv sync --project benchmarks --extra torch)")
def test_torch_quick_run(tmp_path):
    proc, out = _run(tmp_path, "--sizes", "16", "--libs", "numpy,torch",
                     "--ops", "add,scale,gelu,swish,softmax,argmax,norm_linf")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert validate(doc) == []
    torch_info = doc["metadata"]["threads"]["torch"]
    assert torch_info["num_threads"] == 1
    ids = {r["id"] for r in doc["results"]}
    assert {"gelu/torch/16", "add/torch-alloc/16", "softmax/torch/16"} <= ids


def test_torch_request_without_torch_fails_clearly(tmp_path):
    if HAVE_TORCH:
        pytest.skip("PyTorch is installed")
    proc, _ = _run(tmp_path, "--libs", "torch", "--ops", "add", "--sizes", "8")
    assert proc.returncode != 0
    assert "--extra torch" in proc.stderr


@pytest.mark.parametrize("args", [["--ops", "fft"], ["--sizes", "0"], ["--libs", "jax"], ["--repeats", "0"]])
def test_bad_arguments_exit_2(tmp_path, args):
    proc, out = _run(tmp_path, *args)
    assert proc.returncode == 2, proc.stderr
    assert not out.exists()


def test_clean_environ_pins_threads_and_drops_overrides():
    cleaned = env.clean_environ({"OPENBLAS_CORETYPE": "Prescott", "OMP_NUM_THREADS": "8", "HOME": "/root"})
    assert "OPENBLAS_CORETYPE" not in cleaned
    assert cleaned["HOME"] == "/root"
    assert all(cleaned[name] == "1" for name in env.THREAD_VARS)


def test_summarize():
    s = summarize([5.0, 1.0, 3.0, 2.0, 4.0])
    assert (s["min_ns"], s["median_ns"], s["iqr_ns"]) == (1.0, 3.0, 2.0)
    assert summarize([7.0])["iqr_ns"] == 0.0


def test_reference_check_catches_a_wrong_result():
    arrays = ops.inputs("exp", 64)
    wrong = np.exp(arrays["a"]) * np.float32(1.001)
    assert ops.check("exp", arrays, np.exp(arrays["a"])) is None
    assert "element" in ops.check("exp", arrays, wrong)
    assert ops.check("argmax", arrays, int(np.argmax(arrays["a"])) + 1) is not None


def test_reference_check_rejects_the_tanh_approximation_of_gelu():
    arrays = ops.inputs("gelu", 1000)
    a = arrays["a"].astype(np.float64)
    tanh_form = 0.5 * a * (1.0 + np.tanh(np.sqrt(2.0 / np.pi) * (a + 0.044715 * a**3)))
    assert ops.check("gelu", arrays, ops.reference("gelu", arrays).astype(np.float32)) is None
    assert ops.check("gelu", arrays, tanh_form.astype(np.float32)) is not None
