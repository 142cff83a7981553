"""Local stand-ins for the `uses:` actions of this repository's workflows. Each one does what the action does on
a GitHub runner, with local storage instead of GitHub's services, and says so in the log:

    actions/checkout             git clone of the scratch repository's `origin` (a bare repo), at the ref
    actions/cache                restore from / (post step, on success) save to a local cache store
    actions/cache/restore        restore only
    actions/upload-artifact      copy into the artifact store, keyed by run id and artifact name
    actions/download-artifact    copy out of it (name or pattern, merge-multiple, run-id)
    astral-sh/setup-uv           pip install uv==VERSION into a venv; UV_CACHE_DIR in the state dir

An action or input not listed here is an error (ActionError), never skipped. `~/…` cache paths are the host's
own cargo home, shared with everything else on the machine: they are neither saved nor restored (said in the log).
"""

import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path


class ActionError(Exception):
    """An action this runner does not know, an unknown input, or a failure of the action itself."""


def log(msg):
    print(f"pr-flow: {msg}", flush=True)


def sh(*args, cwd=None, env=None):
    """Runs a command; raises ActionError with its output on failure."""
    p = subprocess.run(args, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if p.returncode != 0:
        raise ActionError(f"`{' '.join(map(str, args))}` failed (exit {p.returncode}):\n{p.stdout}")
    return p.stdout


def lines(value):
    return [line.strip() for line in str(value or "").splitlines() if line.strip()]


def boolean(value, name):
    v = str(value).strip().lower()
    if v not in ("true", "false"):
        raise ActionError(f"input {name}: expected true or false, got {value!r}")
    return v == "true"


def check_inputs(action, given, known):
    unknown = sorted(set(given) - set(known))
    if unknown:
        raise ActionError(f"{action}: input(s) {unknown} are not supported by this runner (known: {sorted(known)})")


# --------------------------------------------------------------------------------------------------- checkout
def checkout(job, inputs):
    check_inputs("actions/checkout", inputs, {"ref", "fetch-depth", "persist-credentials", "path"})
    ws = Path(job.workspace)
    dest = ws / inputs["path"] if inputs.get("path") else ws
    ref = inputs.get("ref") or job.github["sha"]
    depth = int(inputs.get("fetch-depth", "1") or "1")
    url = job.repo_url
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    sh("git", "init", "-q", str(dest))
    sh("git", "-C", str(dest), "remote", "add", "origin", url)
    if depth == 0:
        sh("git", "-C", str(dest), "fetch", "-q", "--no-tags", "origin",
           "+refs/heads/*:refs/remotes/origin/*", "+refs/tags/*:refs/tags/*")
        if re.fullmatch(r"[0-9a-f]{40}", ref):
            sh("git", "-C", str(dest), "fetch", "-q", "origin", ref)
    else:
        target = ref if re.fullmatch(r"[0-9a-f]{40}", ref) else (
            ref if ref.startswith("refs/") else f"+refs/heads/{ref}:refs/remotes/origin/{ref}")
        sh("git", "-C", str(dest), "fetch", "-q", "--no-tags", f"--depth={depth}", "origin", target)
    if re.fullmatch(r"[0-9a-f]{40}", ref):
        sh("git", "-C", str(dest), "checkout", "-q", "--detach", ref)
    elif ref.startswith("refs/"):
        sh("git", "-C", str(dest), "checkout", "-q", "--detach", "FETCH_HEAD")
    else:
        sh("git", "-C", str(dest), "checkout", "-q", "-B", ref, f"refs/remotes/origin/{ref}")
    head = sh("git", "-C", str(dest), "rev-parse", "HEAD").strip()
    creds = inputs.get("persist-credentials", "true")
    log(f"checkout: {url} at {ref} -> {head} in {dest} (fetch-depth {depth}; persist-credentials {creds}: "
        "no credentials exist locally)")
    return {"ref": ref, "commit": head}


# ------------------------------------------------------------------------------------------------------ cache
CACHE_INPUTS = {"path", "key", "restore-keys", "fail-on-cache-miss", "lookup-only", "enableCrossOsArchive"}


def cache_paths(job, inputs):
    """(workspace-relative includes, workspace-relative excludes, host paths left alone)."""
    include, exclude, host = [], [], []
    for p in lines(inputs.get("path")):
        neg = p.startswith("!")
        p = p[1:] if neg else p
        if p.startswith("~"):
            (host if not neg else []).append(p)
            continue
        if p.startswith("/") or ".." in Path(p).parts or any(c in p for c in "*?["):
            raise ActionError(f"cache path {p!r}: only plain workspace-relative paths (and ~/…) are supported")
        (exclude if neg else include).append(p.rstrip("/"))
    return include, exclude, host


def entry_dir(job, key):
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", key)
    return Path(job.state_dir) / "cache" / "entries" / safe


def tar_copy(src, dst, names, excludes=()):
    """Copies `names` (relative to src) into dst with tar, keeping modes and mtimes, leaving out `excludes`."""
    names = [n for n in names if (Path(src) / n).exists()]
    if not names:
        return 0
    Path(dst).mkdir(parents=True, exist_ok=True)
    ex = [f"--exclude={e}" for e in excludes]
    pack = subprocess.Popen(["tar", "-C", str(src), "--anchored", *ex, "-cf", "-", *names], stdout=subprocess.PIPE)
    unpack = subprocess.run(["tar", "-C", str(dst), "-xf", "-"], stdin=pack.stdout)
    pack.stdout.close()
    if pack.wait() != 0 or unpack.returncode != 0:
        raise ActionError(f"copying {names} from {src} to {dst} failed")
    return len(names)


def du(path):
    out = subprocess.run(["du", "-sh", str(path)], stdout=subprocess.PIPE, text=True).stdout.split()
    return out[0] if out else "?"


def cache(job, inputs, restore_only=False):
    name = "actions/cache/restore" if restore_only else "actions/cache"
    check_inputs(name, inputs, CACHE_INPUTS)
    for flag in ("fail-on-cache-miss", "lookup-only", "enableCrossOsArchive"):
        if flag in inputs and boolean(inputs[flag], flag):
            raise ActionError(f"{name}: {flag}: true is not supported by this runner")
    key = inputs.get("key") or ""
    if not key:
        raise ActionError(f"{name}: input key is required")
    include, exclude, host = cache_paths(job, inputs)
    for p in host:
        log(f"cache: {p} is the host's own cargo home (shared with every other build on this machine): used as "
            "it is, neither restored nor saved")
    entries = Path(job.state_dir) / "cache" / "entries"
    found, hit = None, False
    if entry_dir(job, key).is_dir():
        found, hit = entry_dir(job, key), True
    else:
        for prefix in lines(inputs.get("restore-keys")):
            candidates = []
            for meta in entries.glob("*/meta.json") if entries.is_dir() else []:
                m = json.loads(meta.read_text())
                if m["key"].startswith(prefix):
                    candidates.append((m["created"], meta.parent, m["key"]))
            if candidates:
                found = max(candidates)[1]
                break
    if found is None:
        log(f"cache: miss for key {key} (no entry matches the key or the restore-keys)")
    else:
        meta = json.loads((found / "meta.json").read_text())
        t0 = time.monotonic()
        n = tar_copy(found / "files", job.workspace, meta["include"])
        log(f"cache: {'hit' if hit else 'restored from restore-key match'} {meta['key']} ({n} path(s), "
            f"{du(found / 'files')}, {time.monotonic() - t0:.1f} s)")
    if not restore_only:
        def save(job_ok):
            if not job_ok:
                log(f"cache: post step: the job did not succeed, so the cache {key} is not saved (as actions/cache)")
            elif hit:
                log(f"cache: post step: hit on the primary key {key}, not saving")
            elif entry_dir(job, key).is_dir():
                log(f"cache: post step: {key} was saved meanwhile by another job, not saving")
            else:
                t0 = time.monotonic()
                tmp = entry_dir(job, key).with_name(entry_dir(job, key).name + ".tmp")
                shutil.rmtree(tmp, ignore_errors=True)
                tar_copy(job.workspace, tmp / "files", include, exclude)
                (tmp / "meta.json").write_text(json.dumps(
                    {"key": key, "created": time.time(), "include": include, "exclude": exclude}))
                tmp.rename(entry_dir(job, key))
                log(f"cache: post step: saved {key} ({du(entry_dir(job, key))}, {time.monotonic() - t0:.1f} s; "
                    f"left out: {', '.join(exclude) or 'nothing'})")
        job.post_steps.append((f"Post {name}", save))
    return {"cache-hit": "true" if hit else "false"}


def seed_cache(state_dir, key, source_root, names):
    """Pre-fills the cache store with `names` (relative paths) copied from source_root, under `key`."""

    class J:
        pass

    j = J()
    j.state_dir = state_dir
    dest = entry_dir(j, key)
    if dest.is_dir():
        shutil.rmtree(dest)
    tmp = dest.with_name(dest.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    present = [n for n in names if (Path(source_root) / n).exists()]
    tar_copy(source_root, tmp / "files", present)
    (tmp / "meta.json").write_text(json.dumps(
        {"key": key, "created": time.time(), "include": sorted({n.split("/")[0] for n in present}),
         "exclude": [], "seeded_from": str(source_root)}))
    tmp.rename(dest)
    return present


# -------------------------------------------------------------------------------------------------- artifacts
def artifact_root(job, run_id):
    return Path(job.state_dir) / "artifacts" / str(run_id)


def upload_artifact(job, inputs):
    check_inputs("actions/upload-artifact", inputs,
                 {"name", "path", "retention-days", "if-no-files-found", "compression-level", "overwrite",
                  "include-hidden-files"})
    name = inputs.get("name") or "artifact"
    overwrite = boolean(inputs.get("overwrite", "false"), "overwrite")
    hidden = boolean(inputs.get("include-hidden-files", "false"), "include-hidden-files")
    dest = artifact_root(job, job.run_id) / name
    if dest.exists():
        if not overwrite:
            raise ActionError(f"upload-artifact: an artifact named {name!r} already exists in run {job.run_id} "
                              "(GitHub answers 409 Conflict)")
        shutil.rmtree(dest)
    ws = Path(job.workspace)
    files = []
    for pattern in lines(inputs.get("path")):
        if pattern.startswith("!"):
            files = [f for f in files if not fnmatch.fnmatch(str(f.relative_to(ws)), pattern[1:])]
            continue
        for match in sorted(ws.glob(pattern)) if any(c in pattern for c in "*?[") else [ws / pattern]:
            if match.is_dir():
                files += [f for f in sorted(match.rglob("*")) if f.is_file()]
            elif match.is_file():
                files.append(match)
    skipped = [f for f in files if any(part.startswith(".") for part in f.relative_to(ws).parts)]
    if not hidden:
        files = [f for f in files if f not in skipped]
    if not files:
        mode = inputs.get("if-no-files-found", "warn")
        msg = f"upload-artifact: no files found at {lines(inputs.get('path'))}"
        if mode == "error":
            raise ActionError(msg)
        if mode == "warn":
            print(f"::warning::{msg}", flush=True)
        return {}
    root = Path(os.path.commonpath([str(f.parent) for f in files]))
    for f in files:
        target = dest / f.relative_to(root)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(f, target)
    (artifact_root(job, job.run_id) / f".{name}.meta.json").write_text(json.dumps(
        {"name": name, "retention-days": inputs.get("retention-days"), "files": len(files)}))
    log(f"upload-artifact: {name}: {len(files)} file(s) from {root.relative_to(ws) if root != ws else '.'} -> {dest}"
        + (f" ({len(skipped)} hidden file(s) left out, as upload-artifact does)" if skipped and not hidden else ""))
    return {"artifact-id": str(abs(hash((job.run_id, name))) % 10**9)}


def download_artifact(job, inputs):
    check_inputs("actions/download-artifact", inputs,
                 {"name", "pattern", "path", "merge-multiple", "run-id", "github-token", "repository"})
    run_id = inputs.get("run-id") or job.run_id
    if inputs.get("run-id") and not inputs.get("github-token"):
        raise ActionError("download-artifact: run-id needs github-token (as the action requires)")
    if inputs.get("repository") and inputs["repository"] != job.github["repository"]:
        raise ActionError(f"download-artifact: repository {inputs['repository']!r}: only this repository is known")
    root = artifact_root(job, run_id)
    available = sorted(p.name for p in root.iterdir() if p.is_dir()) if root.is_dir() else []
    dest = Path(job.workspace) / (inputs.get("path") or ".")
    merge = boolean(inputs.get("merge-multiple", "false"), "merge-multiple")
    if inputs.get("name"):
        if inputs["name"] not in available:
            raise ActionError(f"download-artifact: artifact {inputs['name']!r} not found in run {run_id} "
                              f"(it has {available})")
        chosen, single = [inputs["name"]], True
    else:
        pattern = inputs.get("pattern")
        chosen = [a for a in available if pattern is None or fnmatch.fnmatchcase(a, pattern)]
        single = False
        if not chosen:
            print(f"::warning::download-artifact: no artifact of run {run_id} matches {pattern!r} "
                  f"(it has {available})", flush=True)
    for a in chosen:
        target = dest if single or merge else dest / a
        target.mkdir(parents=True, exist_ok=True)
        shutil.copytree(root / a, target, dirs_exist_ok=True)
    log(f"download-artifact: run {run_id}: {chosen} -> {dest}" + (" (merged)" if merge and not single else ""))
    return {"download-path": str(dest)}


# --------------------------------------------------------------------------------------------------- setup-uv
def setup_uv(job, inputs):
    check_inputs("astral-sh/setup-uv", inputs, {"version", "enable-cache", "cache-dependency-glob"})
    version = inputs.get("version") or ""
    if not re.fullmatch(r"\d+\.\d+\.\d+", version):
        raise ActionError(f"setup-uv: version {version!r}: this runner needs an exact version (X.Y.Z)")
    venv = Path(job.state_dir) / "tools" / f"uv-{version}"
    uv = venv / "bin" / "uv"
    if not uv.exists():
        log(f"setup-uv: installing uv {version} with pip into {venv}")
        shutil.rmtree(venv, ignore_errors=True)
        sh(sys.executable, "-m", "venv", str(venv))
        sh(str(venv / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check", f"uv=={version}")
    got = sh(str(uv), "--version").split()[1]
    if got != version:
        raise ActionError(f"setup-uv: {uv} is uv {got}, not {version}")
    job.add_path(str(venv / "bin"))
    outputs = {"uv-version": got, "cache-hit": "false"}
    if boolean(inputs.get("enable-cache", "false"), "enable-cache"):
        cache_dir = Path(job.state_dir) / "cache" / "uv"
        cache_dir.mkdir(parents=True, exist_ok=True)
        job.set_env("UV_CACHE_DIR", str(cache_dir))
        outputs["cache-hit"] = "true" if any(cache_dir.iterdir()) else "false"
        log(f"setup-uv: uv {got} on PATH; UV_CACHE_DIR={cache_dir} (one local cache for every run, in place of "
            f"GitHub's cache keyed on {inputs.get('cache-dependency-glob') or 'uv.lock'})")
    else:
        log(f"setup-uv: uv {got} on PATH")
    return outputs


ACTIONS = {
    "actions/checkout": checkout,
    "actions/cache": cache,
    "actions/cache/restore": lambda job, inputs: cache(job, inputs, restore_only=True),
    "actions/upload-artifact": upload_artifact,
    "actions/download-artifact": download_artifact,
    "astral-sh/setup-uv": setup_uv,
}


def run_action(job, uses, inputs):
    name, _, ref = uses.partition("@")
    if name.startswith("./") or name.startswith("docker://"):
        raise ActionError(f"uses: {uses}: local and docker actions are not supported by this runner")
    fn = ACTIONS.get(name)
    if fn is None:
        raise ActionError(f"uses: {uses}: no local stand-in for {name} (this runner knows {sorted(ACTIONS)})")
    if not re.fullmatch(r"[0-9a-f]{40}", ref):
        print(f"::warning::{uses} is not pinned to a commit SHA", flush=True)
    return fn(job, inputs)
