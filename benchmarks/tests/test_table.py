"""The PERFORMANCE.md table renderer (lanes_bench.table) and the CPU-time clock it relies on."""

import json
import time

import pytest

from lanes_bench import table
from lanes_bench.timing import CLOCKS, Timed


def _report(path, cells):
    """A guard JSON report (`guard check --format json`) with a wall-clock entry per (op, backend, size, ns)."""
    entries = [
        {"id": f"{op}/{backend}/{size}", "suite": "wall", "metric": "median_ns", "status": "new", "gate": False,
         "baseline": None, "current": ns, "change_pct": None, "threshold": 10.0}
        for op, backend, size, ns in cells
    ]  # fmt: skip
    entries.append({"id": "add/avx2/1000", "suite": "instructions", "metric": "Ir", "current": 690.0})
    path.write_text(json.dumps({"schema_version": 1, "verdict": "pass", "profile": "full", "entries": entries}))
    return path


def _python(path, rows, clock="cpu"):
    results = [
        {"id": f"{op}/{lib}/{size}", "op": op, "library": lib, "size": size, "variant": "out", "median_ns": ns}
        for op, lib, size, ns in rows
    ]
    path.write_text(json.dumps({"schema_version": 1, "metadata": {"config": {"clock": clock}}, "results": results}))
    return path


@pytest.fixture
def inputs(tmp_path):
    crit = _report(tmp_path / "lanes.json", [
        ("add", "scalar", 1_000_000, 400_000.0), ("add", "avx2", 1_000_000, 150_000.0),
        ("add", "avx512", 1_000_000, 160_000.0), ("exp", "avx512", 1_000, 240.0), ("argmax", "avx2", 10_000, 700.0),
    ])  # fmt: skip
    py = _python(tmp_path / "py.json", [
        ("add", "numpy", 1_000_000, 140_000.0), ("add", "torch", 1_000_000, 300_000.0),
        ("exp", "numpy", 1_000, 800.0), ("argmax", "numpy", 10_000, 1_400.0),
    ])  # fmt: skip
    stream = tmp_path / "stream.json"
    stream.write_text(json.dumps({"gbps": {"1000000": {"copy": 90.0, "scale": 90.0, "add": 80.0, "triad": 76.0}}}))
    return crit, py, stream


def test_ratios_best_backend_and_bandwidth(inputs, tmp_path):
    crit, py, stream = inputs
    out = tmp_path / "t.md"
    assert table.main(["--lanes", str(crit), "--python", str(py), "--stream", str(stream), "--output", str(out)]) == 0
    text = out.read_text()
    # add@1e6: best is avx2 (150,000 ns); 150/140 = 1.07 is over 1.0 and listed; 150/300 = 0.50 vs PyTorch.
    assert "| add | 1,000,000 | 400,000 | — | 150,000 | 160,000 | avx2 | 140,000 | 300,000 | **1.07** | 0.50 |" in text
    assert "NumPy cells above 1.0: add@1,000,000 1.07." in text
    # 12 MB in 150 us = 80 GB/s = 100 % of STREAM add.
    assert "| 80 | 100 % |" in text
    # exp is compute-bound: no GB/s.
    assert "| exp | 1,000 | — | — | — | 240 | avx512 | 800 | — | 0.30 | — | — | — |" in text
    assert "NumPy cells: 3; at or below 1.0: 2; median ratio at 1,000–100,000: 0.400; worst: 1.071." in text
    assert "Warning" not in text


def test_wall_clock_python_side_is_flagged(inputs, tmp_path, capsys):
    crit, _, _ = inputs
    py = _python(tmp_path / "wall.json", [("add", "numpy", 1_000_000, 1.0)], clock="wall")
    assert table.main(["--lanes", str(crit), "--python", str(py)]) == 0
    assert "Warning: the Python side used the wall clock" in capsys.readouterr().out


def test_missing_and_malformed_inputs_exit_2_naming_the_file(inputs, tmp_path, capsys):
    crit, py, _ = inputs
    assert table.main(["--lanes", str(tmp_path / "nope"), "--python", str(py)]) == 2
    assert "nope: file not found" in capsys.readouterr().err
    assert table.main(["--lanes", str(crit), "--python", str(tmp_path / "absent.json")]) == 2
    assert "absent.json: file not found" in capsys.readouterr().err
    _report(crit, [("add", "avx2", 1_000_000, "x")])
    assert table.main(["--lanes", str(crit), "--python", str(py)]) == 2
    assert "lanes.json: entries[0]: expected id <op>/<backend>/<size> and a number at current" in capsys.readouterr().err
    _report(crit, [("add/avx2", 1_000_000, "", 5.0)])
    assert table.main(["--lanes", str(crit), "--python", str(py)]) == 2
    assert "entries[0]: id 'add/avx2/1000000/' or current 5.0 is not a measured cell" in capsys.readouterr().err
    _report(crit, [])
    assert table.main(["--lanes", str(crit), "--python", str(py)]) == 2
    assert "lanes.json: no wall-clock entries" in capsys.readouterr().err
    crit.write_text(json.dumps({"schema_version": 2, "entries": []}))
    assert table.main(["--lanes", str(crit), "--python", str(py)]) == 2
    assert "lanes.json: not a guard report" in capsys.readouterr().err
    crit.write_text("{")
    assert table.main(["--lanes", str(crit), "--python", str(py)]) == 2
    assert "cannot read JSON" in capsys.readouterr().err


def test_cpu_clock_leaves_out_sleeping():
    wall = Timed("time.sleep(0.01)", {"time": time}, CLOCKS["wall"])
    cpu = Timed("time.sleep(0.01)", {"time": time}, CLOCKS["cpu"])
    assert wall.run(2) >= 0.02
    assert cpu.run(2) < 0.01


def test_every_table_row_has_as_many_cells_as_its_header(inputs, tmp_path):
    crit, py, stream = inputs
    out = tmp_path / "t.md"
    assert table.main(["--lanes", str(crit), "--python", str(py), "--stream", str(stream), "--output", str(out)]) == 0
    rows = [line for line in out.read_text().splitlines() if line.startswith("|")]
    widths = {line.count("|") for line in rows}
    # two tables: the ratio matrix (op + 5 sizes) and the cell table (13 columns), headers and separators included
    assert widths == {6 + 1, 13 + 1}, widths
