"""Timing: warm-up, auto-ranged loop counts, interleaved repeats, and the statistics we report.

Every timed statement is a string run by :mod:`timeit` (garbage collector off, ``perf_counter``), so the code that
is timed is exactly the ``spelling`` written to the JSON (``--clock cpu`` swaps in ``thread_time``). Nothing is subtracted: a result is the wall time of one
execution of the statement, including the interpreter's and the library's per-call overhead.
"""

from __future__ import annotations

import math
import statistics
import time
import timeit
from dataclasses import dataclass, field
from typing import Callable

#: The clocks a measurement can use: ``wall`` (``perf_counter``, the default) or ``cpu`` (``thread_time``: this
#: thread's CPU time, which leaves out time the process was descheduled — the same clock as the Rust wall-clock
#: suite's ``LANES_BENCH_CLOCK=cpu``, so both sides can be measured alike on a busy machine).
CLOCKS: dict[str, Callable[[], float]] = {"wall": time.perf_counter, "cpu": time.thread_time}


@dataclass
class Timed:
    """One statement being measured."""

    spelling: str
    namespace: dict
    clock: Callable[[], float] = time.perf_counter
    timer: timeit.Timer = field(init=False, repr=False)
    loops: int = 0
    samples_ns: list[float] = field(default_factory=list)
    repeat_s: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.timer = timeit.Timer(self.spelling, timer=self.clock, globals=self.namespace)

    def run(self, loops: int) -> float:
        """Seconds for ``loops`` executions."""
        return self.timer.timeit(loops)

    def calibrate(self, min_time: float, warmup_calls: int = 3) -> int:
        """Warm up, then find a loop count whose run lasts at least ``min_time`` seconds (with 25 % headroom).

        The warm-up is ``warmup_calls`` single calls plus every calibration run, the last of which already lasts
        ``min_time``: caches, page mappings, allocator pools and lazy library initialisation are settled before the
        first recorded repeat.
        """
        for _ in range(warmup_calls):
            self.run(1)
        target = min_time * 1.25
        loops = 1
        while True:
            elapsed = self.run(loops)
            if elapsed >= target:
                break
            if elapsed <= 0:
                loops *= 10
                continue
            # Grow towards the target, at most 10x per step so one slow outlier cannot overshoot badly.
            loops = max(loops + 1, min(loops * 10, math.ceil(loops * target * 1.2 / elapsed)))
        # Confirm once, warm: the first long run may have been slowed by first-touch effects.
        while (elapsed := self.run(loops)) < target:
            loops = max(loops + 1, math.ceil(loops * target * 1.2 / elapsed))
        self.loops = loops
        return loops

    def repeat_once(self) -> float:
        """Run one repeat at the calibrated loop count; record and return ns per call."""
        elapsed = self.run(self.loops)
        ns = elapsed * 1e9 / self.loops
        self.samples_ns.append(ns)
        self.repeat_s.append(elapsed)
        return ns

    def stats(self) -> dict:
        """min / median / IQR in ns per call over the recorded repeats."""
        return summarize(self.samples_ns) | {
            "loops": self.loops,
            "repeats": len(self.samples_ns),
            "min_repeat_s": round(min(self.repeat_s), 6) if self.repeat_s else 0.0,
        }


def summarize(samples_ns: list[float]) -> dict:
    """``min_ns``, ``median_ns``, ``iqr_ns`` (75th minus 25th percentile, linear interpolation) of the samples."""
    if not samples_ns:
        raise ValueError("no samples")
    ordered = sorted(samples_ns)
    if len(ordered) >= 2:
        q1, _, q3 = statistics.quantiles(ordered, n=4, method="inclusive")
        iqr = q3 - q1
    else:
        iqr = 0.0
    return {
        "min_ns": round(ordered[0], 3),
        "median_ns": round(statistics.median(ordered), 3),
        "iqr_ns": round(iqr, 3),
    }


def interleaved(timed: list[Timed], rounds: int) -> None:
    """``rounds`` repeats of every statement, round-robin, rotating the order each round.

    Interleaving spreads the machine's slow moments (the other core busy, frequency changes) over all statements
    instead of letting them land on one, so ratios taken from one run are comparable.
    """
    for r in range(rounds):
        k = r % len(timed) if timed else 0
        for t in timed[k:] + timed[:k]:
            t.repeat_once()
