#!/usr/bin/env python3
"""Rebuilds the inputs of docs/img/*.svg from docs/PERFORMANCE.md's "Every cell" table (the table of record).

The charts were first drawn by `guard check --plot` from that run's own output (target/perf-table/), which is
not kept. The table holds the same numbers (ns per call, median thread CPU time, per backend and for NumPy and
PyTorch), so this writes them back in the shapes guard reads:

    OUT/criterion/<op>/<backend>/<size>/new/{benchmark,estimates,sample}.json   (median = the table's time)
    OUT/numpy.json                                                               (schema 1, library numpy/torch)

and then `guard check --no-bench --suite wall --profile full --target-dir OUT --numpy OUT/numpy.json
--plot docs/img` draws the charts (docs/PERFORMANCE.md, "Charts").

    scripts/render/perf-table-inputs.py [OUT]    (default target/perf-table-inputs)
"""

import json
import pathlib
import shutil
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
BACKENDS = ["scalar", "sse2", "avx2", "avx512"]


def number(cell):
    cell = cell.strip().strip("*").replace(",", "")
    try:
        return float(cell)
    except ValueError:
        return None  # "—": not measured


def rows(doc):
    lines = doc.splitlines()
    start = next(i for i, l in enumerate(lines) if l.startswith("### Every cell"))
    table = []
    for line in lines[start:]:
        if line.startswith("| op | size | scalar"):
            table = [line]
        elif table and line.startswith("|"):
            table.append(line)
        elif table:
            break
    header = [c.strip() for c in table[0].strip("|").split("|")]
    for line in table[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        yield dict(zip(header, cells))


def main():
    out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "target/perf-table-inputs")
    shutil.rmtree(out / "criterion", ignore_errors=True)
    results = []
    for r in rows((ROOT / "docs/PERFORMANCE.md").read_text()):
        op, size = r["op"], int(r["size"].replace(",", ""))
        for backend in BACKENDS:
            ns = number(r[backend])
            if ns is None:
                continue
            full_id = f"{op}/{backend}/{size}"
            d = out / "criterion" / op / backend / str(size) / "new"
            d.mkdir(parents=True, exist_ok=True)
            bench = {"group_id": op, "function_id": backend, "value_str": str(size), "full_id": full_id,
                     "directory_name": full_id, "title": full_id}
            (d / "benchmark.json").write_text(json.dumps(bench))
            (d / "estimates.json").write_text(json.dumps(
                {"mean": {"point_estimate": ns}, "median": {"point_estimate": ns}}))
            iters = [float(i) for i in range(1, 11)]
            (d / "sample.json").write_text(json.dumps(
                {"sampling_mode": "Linear", "iters": iters, "times": [i * ns for i in iters]}))
        for library, column in [("numpy", "NumPy"), ("torch", "PyTorch")]:
            ns = number(r[column])
            if ns is not None:
                results.append({"id": f"{op}/{library}/{size}", "op": op, "size": size, "library": library,
                                "variant": "out", "min_ns": ns, "median_ns": ns})
    doc = {"schema_version": 1, "metadata": {"cpu": {"model_name": "AMD EPYC"}}, "results": results,
           "unsupported": []}
    (out / "numpy.json").write_text(json.dumps(doc, indent=1))
    print(f"wrote {out}/criterion and {out}/numpy.json ({len(results)} NumPy/PyTorch cells)")


if __name__ == "__main__":
    main()
