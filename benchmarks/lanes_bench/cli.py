"""Command line of ``python_comparison.py``. Import only after :func:`lanes_bench.env.ensure_clean_environment`."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from . import metadata, numpy_ops, runner
from .ops import OPS, SIZES
from .schema import SCHEMA_VERSION, validate
from .timing import CLOCKS

LIBRARIES = ("numpy", "torch")
DEFAULT_OUTPUT = Path(__file__).resolve().parents[1] / "results" / "python_comparison.json"
QUICK_SIZES = (7, 100)
EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


def _csv(kind: str, allowed: tuple[str, ...] | None = None):
    def parse(text: str) -> list[str]:
        items = [x.strip() for x in text.split(",") if x.strip()]
        if not items:
            raise argparse.ArgumentTypeError(f"empty {kind} list")
        if allowed is not None:
            bad = [x for x in items if x not in allowed]
            if bad:
                raise argparse.ArgumentTypeError(f"unknown {kind} {', '.join(bad)}; choose from {', '.join(allowed)}")
        return list(dict.fromkeys(items))

    return parse


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(x.replace("_", "")) for x in _csv("size")(text)]
    except ValueError as e:
        raise argparse.ArgumentTypeError(f"sizes must be integers: {e}") from None
    if any(n < 1 for n in sizes):
        raise argparse.ArgumentTypeError("sizes must be >= 1")
    return sizes


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python_comparison.py",
        description="Single-threaded NumPy / PyTorch timings of the lanes ops on the Rust benches' inputs.",
    )
    p.add_argument("--sizes", type=_sizes, help=f"comma list (default {','.join(map(str, SIZES))})")
    p.add_argument("--ops", type=_csv("op", OPS), default=list(OPS), help="comma list (default: all 26)")
    p.add_argument("--libs", type=_csv("library", LIBRARIES), default=["numpy"], help="numpy,torch (default numpy)")
    p.add_argument("--quick", action="store_true",
                   help="smoke test: sizes 7,100, 1 ms repeats, 1 repeat; numbers are not comparable")
    p.add_argument("--min-time", type=float, help="seconds per repeat, at least (default 0.02; quick 0.001)")
    p.add_argument("--repeats", type=int, help="recorded repeats per result (default 10; quick 1)")
    p.add_argument("--select-rounds", type=int, help="rounds used to pick the fastest spelling (default 3; quick 1)")
    p.add_argument("--clock", choices=sorted(CLOCKS), default="wall",
                   help="wall (perf_counter, default) or cpu (thread_time: this thread's CPU time, like the Rust "
                        "suite's LANES_BENCH_CLOCK=cpu; use it on a busy machine)")
    p.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help=f"JSON file (default {DEFAULT_OUTPUT})")
    return p


def _load_libraries(names: list[str]) -> tuple[list, dict | None]:
    libs = [numpy_ops] if "numpy" in names else []
    torch_info = None
    if "torch" in names:
        try:
            from . import torch_ops
        except ImportError as e:
            raise SystemExit(
                f"error: --libs torch needs PyTorch ({e}); install the optional extra:\n"
                "  uv run --project benchmarks --extra torch python benchmarks/python_comparison.py --libs numpy,torch"
            ) from None
        torch_info = torch_ops.configure()
        libs.append(torch_ops)
    return libs, torch_info


def _write_atomic(path: Path, doc: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".tmp{os.getpid()}")
    tmp.write_text(json.dumps(doc, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    quick = args.quick
    sizes = args.sizes or list(QUICK_SIZES if quick else SIZES)
    settings = runner.Settings(
        min_time=args.min_time if args.min_time is not None else (0.001 if quick else 0.02),
        repeats=args.repeats if args.repeats is not None else (1 if quick else 10),
        select_rounds=args.select_rounds if args.select_rounds is not None else (1 if quick else 3),
        clock=args.clock,
    )
    if settings.min_time <= 0 or settings.repeats < 1 or settings.select_rounds < 1:
        print("error: --min-time must be > 0, --repeats and --select-rounds >= 1", file=sys.stderr)
        return EXIT_USAGE
    if not quick and (settings.repeats < 7 or settings.min_time < 0.02):
        print("warning: fewer than 7 repeats or repeats under 20 ms: numbers are less trustworthy", file=sys.stderr)

    started = time.monotonic()
    libs, torch_info = _load_libraries(args.libs)
    threads = metadata.check_single_threaded(torch_info)
    if threads:
        print("error: not single-threaded: " + "; ".join(threads), file=sys.stderr)
        return EXIT_ERROR
    config = {
        "ops": args.ops,
        "sizes": sizes,
        "libraries": [lib.LIBRARY for lib in libs],
        "quick": quick,
        "min_time_s": settings.min_time,
        "repeats": settings.repeats,
        "select_rounds": settings.select_rounds,
        "clock": settings.clock,
        "dtype": "float32",
        "verify_max_size": runner.VERIFY_MAX_SIZE,
        "spelling_names": {lib.LIBRARY: lib.NAMES for lib in libs},
    }
    meta = metadata.collect(config, torch_info)
    try:
        results, unsupported, floor = runner.run(args.ops, sizes, libs, settings)
    except runner.SpellingError as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_ERROR
    meta["overhead_floor"] = floor
    meta["load_average_end"] = list(os.getloadavg()) if hasattr(os, "getloadavg") else None
    meta["duration_s"] = round(time.monotonic() - started, 1)
    doc = {"schema_version": SCHEMA_VERSION, "metadata": meta, "results": results, "unsupported": unsupported}
    problems = validate(doc)
    if problems:
        print("error: output fails its own schema check:\n  " + "\n  ".join(problems), file=sys.stderr)
        return EXIT_ERROR
    _write_atomic(args.output, doc)
    print(f"wrote {args.output} ({len(results)} results, {len(unsupported)} unsupported, "
          f"{meta['duration_s']} s)", file=sys.stderr)
    return EXIT_OK
