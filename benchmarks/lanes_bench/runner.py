"""Measure every op x size for every library: check, calibrate, pick the fastest spelling, interleave repeats."""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from types import ModuleType

from . import ops as O
from .schema import result_id
from .timing import CLOCKS, Timed, interleaved

# Spellings are checked against the float64 reference at sizes up to this (the larger sizes run the same code).
VERIFY_MAX_SIZE = 100_000


@dataclass
class Settings:
    """How long and how often to measure."""

    min_time: float  # seconds per repeat, at least
    repeats: int  # recorded repeats per result
    select_rounds: int  # short interleaved rounds used to pick the fastest spelling
    clock: str = "wall"  # a key of timing.CLOCKS


class SpellingError(RuntimeError):
    """A spelling computed a wrong result (a bug in this package, never a slow library)."""


@dataclass
class _Group:
    library: str
    variant: str
    candidates: list[tuple[O.Spelling, Timed]]
    chosen: tuple[O.Spelling, Timed] | None = None


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _verify(lib: ModuleType, op: str, arrays: dict, spelling: O.Spelling, ns: dict) -> None:
    problem = O.check(op, arrays, lib.result_of(spelling, ns))
    if problem:
        raise SpellingError(f"{op}/{lib.LIBRARY} size {arrays['a'].size}: {spelling.code!r} gives {problem}")


def measure_case(op: str, size: int, libs: list[ModuleType], settings: Settings) -> list[dict]:
    """All results for ``op`` at ``size`` (libraries that lack the op are skipped; see :func:`unsupported`)."""
    arrays = O.inputs(op, size)
    groups: list[_Group] = []
    for lib in libs:
        ns = lib.namespace(arrays)
        for variant in O.variants(op):
            spellings = lib.spellings(op, variant)
            if isinstance(spellings, O.Unsupported):
                continue
            candidates = []
            for sp in spellings:
                if size <= VERIFY_MAX_SIZE:
                    _verify(lib, op, arrays, sp, ns)
                timed = Timed(sp.code, ns, CLOCKS[settings.clock])
                timed.calibrate(settings.min_time)
                candidates.append((sp, timed))
            groups.append(_Group(lib.LIBRARY, variant, candidates))

    # Pick the fastest spelling per library x variant from a few short interleaved rounds.
    contenders = [t for g in groups if len(g.candidates) > 1 for _, t in g.candidates]
    if contenders:
        interleaved(contenders, settings.select_rounds)
    for g in groups:
        g.chosen = min(g.candidates, key=lambda c: min(c[1].samples_ns) if c[1].samples_ns else 0.0)

    chosen = [g.chosen[1] for g in groups]
    for t in chosen:
        t.samples_ns.clear()
        t.repeat_s.clear()
    interleaved(chosen, settings.repeats)
    _redo_short_repeats(chosen, settings)

    results = []
    for g in groups:
        sp, timed = g.chosen
        alternatives = [
            {"spelling": s.code, "min_ns": round(min(t.samples_ns), 3), "allocates": s.allocates}
            for s, t in g.candidates
            if t is not timed
        ]
        results.append(
            {
                "id": result_id(op, g.library, size, g.variant),
                "op": op,
                "size": size,
                "library": g.library,
                "variant": g.variant,
                **timed.stats(),
                "spelling": sp.code,
                "allocates": sp.allocates,
                "alternatives": alternatives,
            }
        )
    return results


def _redo_short_repeats(chosen: list[Timed], settings: Settings, attempts: int = 3) -> None:
    """Re-measure, with more loops, any statement whose shortest repeat fell under ``min_time``.

    That happens when the machine was busy during calibration (the loop count came out too small for a quiet
    moment). The re-measured statements are interleaved among themselves only.
    """
    for _ in range(attempts):
        short = [t for t in chosen if min(t.repeat_s) < settings.min_time]
        if not short:
            return
        for t in short:
            t.loops = math.ceil(t.loops * settings.min_time * 1.25 / min(t.repeat_s))
            t.samples_ns.clear()
            t.repeat_s.clear()
        interleaved(short, settings.repeats)


def unsupported(ops: list[str], libs: list[ModuleType]) -> list[dict]:
    """One entry per op x library without a fair equivalent."""
    out = []
    for op in ops:
        for lib in libs:
            spellings = lib.spellings(op, O.PRIMARY_VARIANT)
            if isinstance(spellings, O.Unsupported):
                out.append({"op": op, "library": lib.LIBRARY, "reason": spellings.reason})
    return out


def overhead_floor(libs: list[ModuleType], settings: Settings) -> list[dict]:
    """The cost of trivial statements: an empty loop body and 1-element library calls (nothing is subtracted)."""
    probes = [("empty_statement", "pass", {})]
    for lib in libs:
        probes.extend(lib.overhead_probes())
    timed = [Timed(code, ns, CLOCKS[settings.clock]) for _, code, ns in probes]
    for t in timed:
        t.calibrate(settings.min_time)
    interleaved(timed, settings.repeats)
    _redo_short_repeats(timed, settings)
    return [{"name": name, "spelling": code, **t.stats()} for (name, code, _), t in zip(probes, timed)]


def run(ops: list[str], sizes: list[int], libs: list[ModuleType], settings: Settings) -> tuple[list, list, list]:
    """(results, unsupported, overhead floor) for the whole grid, logging progress to stderr."""
    floor = overhead_floor(libs, settings)
    for f in floor:
        _log(f"floor {f['name']:<20} {f['min_ns']:>10.1f} ns  ({f['spelling']})")
    results = []
    for op in ops:
        for size in sizes:
            case = measure_case(op, size, libs, settings)
            results.extend(case)
            summary = "  ".join(f"{r['id'].split('/')[1]} {r['min_ns']:.0f}" for r in case)
            _log(f"{op:<12} {size:>8}  {summary}")
    return results, unsupported(ops, libs), floor
