"""The process environment of a fair run: one thread everywhere, no kernel-selection overrides.

Numerical libraries read these variables once, when they are loaded, so they must be right *before* NumPy or
PyTorch is imported. :func:`ensure_clean_environment` re-executes the interpreter with a cleaned environment when
the current one is not clean; the variables it removed are handed to the child so they can be recorded.

This module must not import NumPy (or anything that does).
"""

from __future__ import annotations

import json
import os
import sys

# Thread-count variables of every threading layer NumPy, SciPy or PyTorch may load: all pinned to 1.
THREAD_VARS = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "BLIS_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
)

# Variables that override which SIMD kernels a library dispatches to. OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE are set
# on some of this project's machines and force OpenBLAS onto slow generic kernels; the others can do the same to
# NumPy, MKL or ATen. A fair run uses what each library picks for this CPU, so all of them are removed.
DISPATCH_OVERRIDE_VARS = (
    "OPENBLAS_CORETYPE",
    "OPENBLAS_L2_SIZE",
    "OPENBLAS_VERBOSE",
    "NPY_DISABLE_CPU_FEATURES",
    "NPY_ENABLE_CPU_FEATURES",
    "MKL_ENABLE_INSTRUCTIONS",
    "MKL_CBWR",
    "MKL_DEBUG_CPU_TYPE",
    "ATEN_CPU_CAPABILITY",
)

_MARKER = "LANES_BENCH_CLEAN_ENV"
_REMOVED = "LANES_BENCH_REMOVED_ENV"


def _problems(environ: dict[str, str]) -> dict[str, str | None]:
    """Variables whose value is wrong for a fair run, with their current value (None = unset)."""
    wrong: dict[str, str | None] = {}
    for name in THREAD_VARS:
        if environ.get(name) != "1":
            wrong[name] = environ.get(name)
    for name in DISPATCH_OVERRIDE_VARS:
        if name in environ:
            wrong[name] = environ[name]
    return wrong


def clean_environ(environ: dict[str, str]) -> dict[str, str]:
    """A copy of ``environ`` with every thread variable set to 1 and every dispatch override removed."""
    env = {k: v for k, v in environ.items() if k not in DISPATCH_OVERRIDE_VARS}
    for name in THREAD_VARS:
        env[name] = "1"
    return env


def ensure_clean_environment(argv: list[str] | None = None) -> None:
    """Re-execute this interpreter with :func:`clean_environ` unless the environment is already clean.

    Raises ``RuntimeError`` if NumPy or PyTorch was imported before this call (their thread pools and kernel choice
    are already fixed), or if the re-executed process still sees a wrong environment.
    """
    loaded = [m for m in ("numpy", "torch", "scipy") if m in sys.modules]
    wrong = _problems(dict(os.environ))
    if not wrong:
        if loaded:
            # Clean already, but only safe if it was clean when the library loaded; we cannot know, so be strict
            # unless we set it ourselves.
            if os.environ.get(_MARKER) != "1":
                raise RuntimeError(f"{', '.join(loaded)} imported before the environment was checked")
        return
    if os.environ.get(_MARKER) == "1":
        raise RuntimeError(f"environment still not clean after re-exec: {wrong}")
    if loaded:
        raise RuntimeError(f"{', '.join(loaded)} imported before the environment was cleaned")
    env = clean_environ(dict(os.environ))
    env[_MARKER] = "1"
    env[_REMOVED] = json.dumps(wrong, sort_keys=True)
    args = [sys.executable, *(sys.argv if argv is None else argv)]
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(sys.executable, args, env)


def environment_record() -> dict:
    """What :func:`ensure_clean_environment` did, for the JSON metadata."""
    try:
        replaced = json.loads(os.environ.get(_REMOVED, "{}"))
    except json.JSONDecodeError:
        replaced = {"unparsable": os.environ.get(_REMOVED)}
    return {
        "reexecuted": os.environ.get(_MARKER) == "1",
        # Value each variable had before the run (null = was unset); all are now 1 or removed.
        "replaced": replaced,
        "thread_vars": {name: os.environ.get(name) for name in THREAD_VARS},
        "dispatch_overrides_present": sorted(n for n in DISPATCH_OVERRIDE_VARS if n in os.environ),
    }
