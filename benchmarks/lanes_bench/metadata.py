"""Everything about the machine and the libraries that a reader needs to trust (or distrust) the numbers."""

from __future__ import annotations

import datetime as _dt
import os
import platform
import subprocess
import sys
from pathlib import Path

import numpy as np
import threadpoolctl

from . import env
from . import generator as gen

# The float32 ufuncs the NumPy spellings use: which SIMD target NumPy dispatched each one to.
_NUMPY_UFUNCS = (
    "add", "subtract", "multiply", "divide", "absolute", "negative", "reciprocal", "maximum", "minimum",
    "clip", "exp", "log", "tanh", "sqrt",
)  # fmt: skip


def cpu_info(path: str = "/proc/cpuinfo") -> dict:
    """Model, family/model/stepping and flags of the first CPU in ``/proc/cpuinfo`` (empty where unavailable)."""
    fields: dict[str, str] = {}
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        text = ""
    for line in text.splitlines():
        if not line.strip():
            if fields:
                break
            continue
        key, _, value = line.partition(":")
        fields.setdefault(key.strip(), value.strip())
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        usable = os.cpu_count()
    return {
        "model_name": fields.get("model name", platform.processor()),
        "vendor_id": fields.get("vendor_id"),
        "family": fields.get("cpu family"),
        "model": fields.get("model"),
        "stepping": fields.get("stepping"),
        "logical_cpus": os.cpu_count(),
        "usable_cpus": usable,
        "flags": sorted(fields.get("flags", "").split()),
    }


def numpy_info() -> dict:
    """NumPy's build-time baseline, run-time dispatch targets, detected CPU features and per-ufunc choice."""
    info: dict = {"version": np.__version__}
    try:
        from numpy._core._multiarray_umath import __cpu_baseline__, __cpu_dispatch__, __cpu_features__
    except ImportError:  # NumPy 1.x
        from numpy.core._multiarray_umath import __cpu_baseline__, __cpu_dispatch__, __cpu_features__
    info["cpu_baseline"] = list(__cpu_baseline__)
    info["cpu_dispatch"] = list(__cpu_dispatch__)
    info["cpu_features_found"] = sorted(k for k, v in __cpu_features__.items() if v)
    try:
        from numpy.lib.introspect import opt_func_info

        raw = opt_func_info(func_name="|".join(f"^{u}$" for u in _NUMPY_UFUNCS), signature="^f+$")
        info["dispatched_float32"] = {
            func: {"current": sig.get("current"), "available": sig.get("available")}
            for func, sigs in raw.items()
            for sig in sigs.values()
        }
    except (ImportError, TypeError):  # NumPy < 2.0 has no opt_func_info
        info["dispatched_float32"] = None
    try:
        deps = np.show_config(mode="dicts").get("Build Dependencies", {})
        info["blas"] = deps.get("blas")
    except (TypeError, AttributeError):
        info["blas"] = None
    return info


def _git_commit() -> str | None:
    root = Path(__file__).resolve().parents[2]
    try:
        out = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def _optional_version(module: str) -> str | None:
    mod = sys.modules.get(module)
    return getattr(mod, "__version__", None) if mod else None


def _relative(path: str | None) -> str | None:
    """``path`` with the environment's prefix replaced by ``<env>`` (the file is committed; keep it portable)."""
    if not path:
        return path
    for prefix in {sys.prefix, sys.base_prefix}:
        if path.startswith(prefix + os.sep):
            return "<env>" + path[len(prefix):]
    return path


def thread_pools() -> list[dict]:
    """threadpoolctl's report, with library paths relative to the environment."""
    return [pool | {"filepath": _relative(pool.get("filepath"))} for pool in threadpoolctl.threadpool_info()]


def collect(config: dict, torch_info: dict | None) -> dict:
    """The ``metadata`` object of the output (without the overhead floor and timings, added by the runner)."""
    return {
        "date_utc": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "git_commit": _git_commit(),
        "python": {
            "version": platform.python_version(),
            "implementation": platform.python_implementation(),
            "executable": _relative(sys.executable),
        },
        "platform": {"system": platform.system(), "release": platform.release(), "machine": platform.machine()},
        "cpu": cpu_info(),
        "libraries": {
            "numpy": np.__version__,
            "threadpoolctl": threadpoolctl.__version__,
            "torch": torch_info["version"] if torch_info else None,
            "scipy": _optional_version("scipy"),
        },
        "threads": {
            "environment": env.environment_record(),
            "threadpoolctl": thread_pools(),
            "torch": torch_info,
        },
        "numpy": numpy_info(),
        "generator": {
            "base_seed": gen.BASE_SEED,
            "seeds": "input k (0=a, 1=b, 2=c) uses base_seed + k",
            "range": list(gen.RANGE),
            "div_divisor_range": list(gen.DIV_DIVISOR_RANGE),
            "scalars": {"scale_s": gen.SCALE_S, "clamp_lo": gen.CLAMP_LO, "clamp_hi": gen.CLAMP_HI,
                        "lerp_t": gen.LERP_T},
            "spec": "benches/common/gen.rs",
        },
        "config": config,
        "load_average_start": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
    }


def check_single_threaded(torch_info: dict | None) -> list[str]:
    """Every thread pool that is not at one thread (empty when the run is single-threaded)."""
    problems = [
        f"{pool.get('internal_api')} ({pool.get('filepath')}) has num_threads={pool.get('num_threads')}"
        for pool in threadpoolctl.threadpool_info()
        if pool.get("num_threads") != 1
    ]
    if torch_info and torch_info.get("num_threads") != 1:
        problems.append(f"torch.get_num_threads() = {torch_info.get('num_threads')}")
    return problems
