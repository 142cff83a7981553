"""The lanes-vs-NumPy/PyTorch table of docs/PERFORMANCE.md, from one interleaved run (``benchmarks/perf_table.sh``).

Inputs, all from the same run:

- guard's JSON report on the Rust wall-clock suite's results (``guard check --suite wall --no-bench --format json``:
  guard reads Criterion's tree, so this module does not), one ``median_ns`` entry per ``<op>/<backend>/<size>``
  (the suite's ``LANES_BENCH_CLOCK=cpu``: thread CPU time), statistic: the median;
- one or more JSON files of ``python_comparison.py`` (``--clock cpu``), statistic: the median over repeats;
- optionally a STREAM-like bandwidth file (``stream.c``'s output) for the GB/s column.

Both sides use the same clock and the same statistic. Ratios below 1.0 mean lanes is faster.

    python -m lanes_bench.table --lanes REPORT --python FILE [FILE ...] [--stream FILE] [--output FILE]

Exit status: 0 written, 2 missing or malformed input (the message names the file and what is wrong).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path

from .ops import ARITY, OPS, REDUCTIONS, SIZES

BACKENDS = ("scalar", "sse2", "avx2", "avx512")
#: Ops whose time is arithmetic, not memory traffic: no GB/s column for them.
COMPUTE_BOUND = frozenset({"sigmoid", "tanh", "exp", "gelu", "swish", "softmax", "log_softmax"})
#: The size whose memory-bound cells are compared with the STREAM-like bandwidth.
BANDWIDTH_SIZE = 1_000_000


class InputError(Exception):
    """A missing or malformed input file (the message says which and why)."""


@dataclass
class Cell:
    """One op x size: ns per call of each lanes backend, NumPy and PyTorch (None when not measured)."""

    op: str
    size: int
    backends: dict[str, float]
    numpy: float | None
    torch: float | None

    @property
    def best(self) -> tuple[str, float] | None:
        if not self.backends:
            return None
        name = min(self.backends, key=self.backends.__getitem__)
        return name, self.backends[name]

    def ratio(self, other: float | None) -> float | None:
        best = self.best
        return None if best is None or other is None else best[1] / other


def bytes_moved(op: str, size: int) -> int:
    """Bytes an op must read and write: 4 per element of every input, plus the output for element-wise ops."""
    outputs = 0 if op in REDUCTIONS else 1
    return 4 * size * (ARITY[op] + outputs)


def _load_json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise InputError(f"{path}: cannot read JSON: {e}") from None


def read_lanes(path: Path) -> dict[tuple[str, str, int], float]:
    """``(op, backend, size) -> median ns`` from guard's JSON report (wall-clock entries; other suites ignored)."""
    doc = _load_json(path)
    if not isinstance(doc, dict) or doc.get("schema_version") != 1 or not isinstance(doc.get("entries"), list):
        raise InputError(f"{path}: not a guard report (schema_version 1 with entries; guard check --format json)")
    out = {}
    for i, e in enumerate(doc["entries"]):
        if not isinstance(e, dict) or e.get("suite") != "wall":
            continue
        where = f"{path}: entries[{i}]"
        if e.get("metric") != "median_ns":
            raise InputError(f"{where}: metric is {e.get('metric')!r}, expected 'median_ns' (thresholds.toml statistic)")
        parts = str(e.get("id", "")).split("/")
        try:
            op, backend, size = parts[0], parts[1], int(parts[2])
            ns = float(e["current"])
        except (IndexError, ValueError, KeyError, TypeError):
            raise InputError(f"{where}: expected id <op>/<backend>/<size> and a number at current") from None
        if len(parts) != 3 or not ns > 0:
            raise InputError(f"{where}: id {e.get('id')!r} or current {e.get('current')!r} is not a measured cell")
        out[(op, backend, size)] = ns
    if not out:
        raise InputError(f"{path}: no wall-clock entries (was the wall-clock suite run?)")
    return out


def read_python(paths: list[Path]) -> tuple[dict[tuple[str, str, int], float], list[dict]]:
    """``(op, library, size) -> median ns`` of the primary (``out``) variant, and each file's metadata."""
    out, metas = {}, []
    for path in paths:
        doc = _load_json(path)
        if not isinstance(doc, dict) or doc.get("schema_version") != 1 or not isinstance(doc.get("results"), list):
            raise InputError(f"{path}: not a python_comparison.py result (schema_version 1 with results)")
        metas.append(doc.get("metadata", {}))
        for i, r in enumerate(doc["results"]):
            try:
                if r["variant"] != "out":
                    continue
                out[(r["op"], r["library"], int(r["size"]))] = float(r["median_ns"])
            except (KeyError, TypeError, ValueError):
                raise InputError(f"{path}: results[{i}] lacks op/library/size/variant/median_ns") from None
    return out, metas


def read_stream(path: Path | None) -> dict[str, float]:
    """STREAM-like GB/s per kernel at :data:`BANDWIDTH_SIZE` (``{"copy": 80.1, "add": 75.3, ...}``)."""
    if path is None:
        return {}
    doc = _load_json(path)
    try:
        return {k: float(v) for k, v in doc["gbps"][str(BANDWIDTH_SIZE)].items()}
    except (KeyError, TypeError, ValueError, AttributeError):
        raise InputError(f"{path}: expected {{\"gbps\": {{\"{BANDWIDTH_SIZE}\": {{\"copy\": …}}}}}}") from None


def cells(lanes: dict, python: dict) -> list[Cell]:
    """Every op x size that lanes measured, in the suite's order."""
    result = []
    for op in OPS:
        for size in SIZES:
            backends = {b: lanes[(op, b, size)] for b in BACKENDS if (op, b, size) in lanes}
            if backends:
                result.append(Cell(op, size, backends, python.get((op, "numpy", size)), python.get((op, "torch", size))))
    return result


def _ns(x: float | None) -> str:
    if x is None:
        return "—"
    return f"{x:,.0f}" if x >= 100 else f"{x:.1f}"


def _ratio(x: float | None) -> str:
    return "—" if x is None else (f"**{x:.2f}**" if x > 1.0 else f"{x:.2f}")


def stream_reference(op: str, stream: dict[str, float]) -> float | None:
    """The STREAM kernel with the same traffic shape: 2 inputs + output -> add, 1 + 1 -> scale (copy), reads -> copy."""
    if not stream:
        return None
    if op in REDUCTIONS:
        return stream.get("copy")
    return stream.get("add") if ARITY[op] >= 2 else stream.get("scale", stream.get("copy"))


def render(all_cells: list[Cell], stream: dict[str, float], metas: list[dict]) -> str:
    lines = []
    numpy_ratios = [(c, c.ratio(c.numpy)) for c in all_cells if c.numpy is not None]
    torch_ratios = [(c, c.ratio(c.torch)) for c in all_cells if c.torch is not None]
    mid = [r for c, r in numpy_ratios if 1_000 <= c.size <= 100_000]
    over = [(c, r) for c, r in numpy_ratios if r > 1.0]
    lines.append(
        f"NumPy cells: {len(numpy_ratios)}; at or below 1.0: {len(numpy_ratios) - len(over)}; "
        + (f"median ratio at 1,000–100,000: {statistics.median(mid):.3f}; " if mid else "")
        + (f"worst: {max(r for _, r in numpy_ratios):.3f}." if numpy_ratios else "")
    )
    if torch_ratios:
        t_over = [(c, r) for c, r in torch_ratios if r > 1.0]
        lines.append(f"PyTorch cells: {len(torch_ratios)}; at or below 1.0: {len(torch_ratios) - len(t_over)}.")
    if over:
        lines.append("NumPy cells above 1.0: " + ", ".join(f"{c.op}@{c.size:,} {r:.2f}" for c, r in over) + ".")
    lines.append("")
    lines.append("Ratio lanes (best backend) / NumPy, then / PyTorch:")
    lines.append("")
    lines.append("| op | " + " | ".join(f"{s:,}" for s in SIZES) + " |")
    lines.append("|---|" + "---:|" * len(SIZES))
    by_key = {(c.op, c.size): c for c in all_cells}
    for op in OPS:
        row = []
        for size in SIZES:
            c = by_key.get((op, size))
            row.append("" if c is None else f"{_ratio(c.ratio(c.numpy))} / {_ratio(c.ratio(c.torch))}")
        if any(row):
            lines.append(f"| {op} | " + " | ".join(row) + " |")
    lines.append("")
    lines.append("Every cell, ns per call (median, thread CPU time). GB/s = bytes the op must move (4 B per element "
                 "of each input and output) / best time; `% STREAM` compares it at 1,000,000 with the STREAM-like "
                 "kernel of the same shape measured in the same run.")
    lines.append("")
    lines.append("| op | size | " + " | ".join(BACKENDS) + " | best | NumPy | PyTorch | / NumPy | / PyTorch | GB/s | % STREAM |")
    lines.append("|---|---:|" + "---:|" * (len(BACKENDS) + 7))
    for c in all_cells:
        best = c.best
        gbps = pct = "—"
        if best and c.op not in COMPUTE_BOUND:
            g = bytes_moved(c.op, c.size) / best[1]
            gbps = f"{g:.0f}"
            ref = stream_reference(c.op, stream)
            if ref and c.size == BANDWIDTH_SIZE:
                pct = f"{100 * g / ref:.0f} %"
        lines.append(
            f"| {c.op} | {c.size:,} | " + " | ".join(_ns(c.backends.get(b)) for b in BACKENDS)
            + f" | {best[0] if best else '—'} | {_ns(c.numpy)} | {_ns(c.torch)} | {_ratio(c.ratio(c.numpy))} "
            f"| {_ratio(c.ratio(c.torch))} | {gbps} | {pct} |"
        )
    if stream:
        lines.append("")
        lines.append("STREAM-like bandwidth at 1,000,000 elements (GB/s, same run): "
                     + ", ".join(f"{k} {v:.0f}" for k, v in sorted(stream.items())) + ".")
    clocks = sorted({str(m.get("config", {}).get("clock", "wall")) for m in metas})
    if clocks and clocks != ["cpu"]:
        lines.append("")
        lines.append(f"Warning: the Python side used the {', '.join(clocks)} clock, not thread CPU time.")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m lanes_bench.table", description=__doc__.split("\n\n")[0])
    p.add_argument("--lanes", type=Path, required=True, help="guard's JSON report on the wall-clock suite")
    p.add_argument("--python", type=Path, nargs="+", required=True, help="python_comparison.py JSON file(s)")
    p.add_argument("--stream", type=Path, help="STREAM-like bandwidth JSON (benchmarks/stream.c)")
    p.add_argument("--output", type=Path, help="markdown file (default: stdout)")
    args = p.parse_args(argv)
    try:
        lanes = read_lanes(args.lanes)
        python, metas = read_python(args.python)
        stream = read_stream(args.stream)
    except InputError as e:
        print(f"table: {e}", file=sys.stderr)
        return 2
    text = render(cells(lanes, python), stream, metas)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
