"""The output format (schema version 1) and a dependency-free checker for it.

The Rust guard reads this file, so the shape is small and stable::

    {
      "schema_version": 1,
      "metadata": {...},                       # free-form except for METADATA_KEYS
      "results": [                              # one per op x size x library x variant
        {"id": "add/numpy/1000", "op": "add", "size": 1000, "library": "numpy", "variant": "out",
         "min_ns": 578.1, "median_ns": 590.3, "iqr_ns": 6.2, "loops": 40000, "repeats": 9,
         "min_repeat_s": 0.0231, "spelling": "np.add(a, b, out=out)", "allocates": false,
         "alternatives": [{"spelling": "...", "min_ns": 612.0}]}
      ],
      "unsupported": [{"op": "gelu", "library": "numpy", "reason": "..."}]
    }

``id`` is ``<op>/<library>/<size>`` for the primary variant ``out`` (the same shape as the Rust ids
``<op>/<backend>/<size>``) and ``<op>/<library>-<variant>/<size>`` for the others.
"""

from __future__ import annotations

import math
import re

from .ops import ALLOC_VARIANT, OPS, PRIMARY_VARIANT

SCHEMA_VERSION = 1
METADATA_KEYS = (
    "date_utc", "python", "cpu", "libraries", "threads", "numpy", "generator", "config", "overhead_floor",
    "duration_s",
)  # fmt: skip
VARIANTS = (PRIMARY_VARIANT, ALLOC_VARIANT)
_LIBRARY = re.compile(r"^[a-z][a-z0-9_]*$")
_STATS = ("min_ns", "median_ns", "iqr_ns")


def result_id(op: str, library: str, size: int, variant: str = PRIMARY_VARIANT) -> str:
    """The id of one result (see the module docs)."""
    lib = library if variant == PRIMARY_VARIANT else f"{library}-{variant}"
    return f"{op}/{lib}/{size}"


def _is_int(x) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _is_num(x) -> bool:
    return (isinstance(x, (int, float)) and not isinstance(x, bool)) and math.isfinite(x)


def _check_stats(where: str, r: dict, errors: list[str]) -> None:
    for key in _STATS:
        if not _is_num(r.get(key)) or r[key] < 0:
            errors.append(f"{where}: {key} must be a finite number >= 0, got {r.get(key)!r}")
    if all(_is_num(r.get(k)) for k in _STATS) and r["min_ns"] > r["median_ns"]:
        errors.append(f"{where}: min_ns {r['min_ns']} > median_ns {r['median_ns']}")
    for key in ("loops", "repeats"):
        if not _is_int(r.get(key)) or r[key] < 1:
            errors.append(f"{where}: {key} must be an integer >= 1, got {r.get(key)!r}")


def _check_result(i: int, r, errors: list[str]) -> None:
    where = f"results[{i}]"
    if not isinstance(r, dict):
        errors.append(f"{where}: not an object")
        return
    if r.get("op") not in OPS:
        errors.append(f"{where}: unknown op {r.get('op')!r}")
    if not _is_int(r.get("size")) or r["size"] < 1:
        errors.append(f"{where}: size must be an integer >= 1, got {r.get('size')!r}")
    if not isinstance(r.get("library"), str) or not _LIBRARY.match(r["library"]):
        errors.append(f"{where}: library must match {_LIBRARY.pattern}, got {r.get('library')!r}")
    if r.get("variant") not in VARIANTS:
        errors.append(f"{where}: variant must be one of {VARIANTS}, got {r.get('variant')!r}")
    if not isinstance(r.get("spelling"), str) or not r["spelling"]:
        errors.append(f"{where}: spelling must be a non-empty string")
    if not isinstance(r.get("allocates"), bool):
        errors.append(f"{where}: allocates must be a boolean")
    _check_stats(where, r, errors)
    if not _is_num(r.get("min_repeat_s")) or r["min_repeat_s"] < 0:
        errors.append(f"{where}: min_repeat_s must be a finite number >= 0")
    alternatives = r.get("alternatives")
    if not isinstance(alternatives, list):
        errors.append(f"{where}: alternatives must be a list")
    else:
        for j, alt in enumerate(alternatives):
            if not (isinstance(alt, dict) and isinstance(alt.get("spelling"), str) and _is_num(alt.get("min_ns"))):
                errors.append(f"{where}.alternatives[{j}]: needs a string spelling and a number min_ns")
    if all(isinstance(r.get(k), (str, int)) for k in ("op", "library", "size", "variant")):
        want = result_id(r["op"], r["library"], r["size"], r["variant"])
        if r.get("id") != want:
            errors.append(f"{where}: id {r.get('id')!r}, expected {want!r}")


def validate(doc) -> list[str]:
    """Everything wrong with ``doc`` as a schema-1 document (empty list: valid)."""
    errors: list[str] = []
    if not isinstance(doc, dict):
        return ["top level: not an object"]
    if doc.get("schema_version") != SCHEMA_VERSION:
        errors.append(f"schema_version must be {SCHEMA_VERSION}, got {doc.get('schema_version')!r}")
    meta = doc.get("metadata")
    if not isinstance(meta, dict):
        errors.append("metadata: not an object")
        meta = {}
    for key in METADATA_KEYS:
        if key not in meta:
            errors.append(f"metadata: missing {key!r}")
    results = doc.get("results")
    unsupported = doc.get("unsupported")
    if not isinstance(results, list):
        return [*errors, "results: not a list"]
    if not isinstance(unsupported, list):
        return [*errors, "unsupported: not a list"]
    for i, r in enumerate(results):
        _check_result(i, r, errors)
    ids = [r.get("id") for r in results if isinstance(r, dict)]
    dupes = sorted({x for x in ids if ids.count(x) > 1}, key=str)
    if dupes:
        errors.append(f"results: duplicate ids {dupes}")
    missing_by_lib: set[tuple[str, str]] = set()
    for i, u in enumerate(unsupported):
        if not (isinstance(u, dict) and u.get("op") in OPS and isinstance(u.get("library"), str)):
            errors.append(f"unsupported[{i}]: needs a known op and a library")
            continue
        if not isinstance(u.get("reason"), str) or not u["reason"]:
            errors.append(f"unsupported[{i}]: reason must be a non-empty string")
        missing_by_lib.add((u["op"], u["library"]))
    errors.extend(_check_coverage(meta.get("config"), ids, missing_by_lib))
    return errors


def _check_coverage(config, ids: list, unsupported: set[tuple[str, str]]) -> list[str]:
    """Every op x size x library the run was configured for is measured or declared unsupported, and not both."""
    if not isinstance(config, dict):
        return ["metadata.config: not an object"]
    try:
        ops, sizes, libs = list(config["ops"]), list(config["sizes"]), list(config["libraries"])
    except (KeyError, TypeError):
        return ["metadata.config: needs lists ops, sizes, libraries"]
    errors = []
    present = set(ids)
    for op in ops:
        for lib in libs:
            for size in sizes:
                rid = result_id(op, lib, size)
                if (op, lib) in unsupported and rid in present:
                    errors.append(f"{rid}: both measured and unsupported")
                elif (op, lib) not in unsupported and rid not in present:
                    errors.append(f"{rid}: neither measured nor declared unsupported")
    return errors
