"""Runs the jobs of a GitHub Actions workflow on this machine, step by step, as a runner would (scripts/pr-flow/).

    workflow.py run --workflow FILE --event NAME --event-path JSON --state-dir DIR --run-id N \
                    --repo-url URL --repository OWNER/NAME --sha SHA --ref REF --api-url URL --token T [--job ID …]
    workflow.py seed-cache --state-dir DIR --key KEY --source ROOT PATH…

Per job: a fresh workspace (GITHUB_WORKSPACE) and RUNNER_TEMP under DIR/runs/<run id>/<job>/; `run:` steps are
written to a file and run with the shell GitHub uses (`bash -e {0}` by default, `bash --noprofile --norc -eo
pipefail {0}` for `shell: bash`) in the workspace, with workflow, job and step `env:`, GITHUB_ENV, GITHUB_PATH,
GITHUB_OUTPUT (read back into steps.<id>.outputs) and GITHUB_STEP_SUMMARY (kept as the job's summary);
`${{ }}` expressions are evaluated (expr.py); `uses:` steps run local stand-ins (actions.py); `::error`/`::warning`/
`::notice` lines become the job's annotations. A job stops at its first failing step (later steps are skipped
unless their `if:` says otherwise), post steps (actions/cache's save) run at the end. Jobs run one after another in
file order (`needs` respected). Anything this runner does not know — a job or step key, an expression, an action or
an input — stops it with an error, rather than being skipped.

Writes DIR/runs/<run id>/result.json (conclusion, wall time, steps, annotations, outputs of every job) and exits 0
when every job that ran succeeded, 1 when one failed, 2 when the workflow could not be run.
"""

import argparse
import itertools
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import yaml

from actions import ActionError, run_action, seed_cache
from expr import Evaluator, ExprError

JOB_KEYS = {"name", "runs-on", "timeout-minutes", "permissions", "steps", "if", "env", "needs", "strategy",
            "concurrency", "defaults", "outputs", "continue-on-error"}
STEP_KEYS = {"name", "id", "uses", "with", "run", "env", "shell", "if", "working-directory", "timeout-minutes",
             "continue-on-error"}
WORKFLOW_KEYS = {"name", "on", True, "permissions", "concurrency", "env", "jobs", "defaults", "run-name"}
# Host variables a GitHub runner would not have, or that this runner sets itself.
DROP_PREFIXES = ("GITHUB_", "RUNNER_", "ACTIONS_", "LANES_", "GUARD_", "GUNGRAUN_", "CARGO_", "UV_")
DROP_KEEP = {"CARGO_HOME"}
DROP_EXACT = {"CI", "RUSTUP_TOOLCHAIN", "RUSTFLAGS", "RUSTDOCFLAGS", "VIRTUAL_ENV", "XDG_CACHE_HOME"}
SHIMS = Path(__file__).resolve().parent / "shims"


class RunError(Exception):
    """The workflow cannot be run by this runner."""


def say(msg):
    print(f"pr-flow: {msg}", flush=True)


def parse_kv_file(path):
    """GITHUB_OUTPUT / GITHUB_ENV syntax: `name=value` lines and `name<<DELIM` … `DELIM` blocks."""
    out = {}
    if not path.exists():
        return out
    text = path.read_text().splitlines()
    i = 0
    while i < len(text):
        line = text[i]
        i += 1
        if not line.strip():
            continue
        m = re.match(r"^([^=<]+)<<(.+)$", line)
        if m:
            name, delim, value = m.group(1), m.group(2), []
            while i < len(text) and text[i] != delim:
                value.append(text[i])
                i += 1
            if i >= len(text):
                raise RunError(f"{path.name}: no closing {delim!r} for {name}")
            i += 1
            out[name] = "\n".join(value)
        elif "=" in line:
            name, value = line.split("=", 1)
            out[name] = value
        else:
            raise RunError(f"{path.name}: cannot parse line {line!r}")
    return out


class Job:
    """One job of one run: its workspace, environment and contexts."""

    def __init__(self, args, run_dir, job_id, job, wf, github, matrix):
        self.args = args
        self.state_dir = args.state_dir
        self.run_id = args.run_id
        self.repo_url = args.repo_url
        self.job_id = job_id
        self.job = job
        self.wf = wf
        self.matrix = matrix
        suffix = "-".join(str(v) for v in matrix.values()) if matrix else ""
        self.dir = run_dir / (job_id + (f"-{suffix}" if suffix else ""))
        if self.dir.exists():
            shutil.rmtree(self.dir)
        self.workspace = str(self.dir / "workspace")
        self.temp = self.dir / "temp"
        for d in (self.workspace, self.temp):
            Path(d).mkdir(parents=True)
        self.github = dict(github, job=job_id, workspace=self.workspace)
        self.extra_env = {}  # from GITHUB_ENV and the actions
        self.extra_path = []  # from GITHUB_PATH and the actions, newest first
        self.post_steps = []
        self.steps_ctx = {}
        self.annotations = []
        self.summary = []
        self.status = "success"

    # used by actions.py
    def add_path(self, p):
        self.extra_path.insert(0, p)

    def set_env(self, k, v):
        self.extra_env[k] = v

    def evaluator(self, env):
        contexts = {
            "github": self.github, "env": env, "matrix": self.matrix, "steps": self.steps_ctx,
            "runner": {"os": "Linux", "arch": "X64", "temp": str(self.temp), "name": "pr-flow",
                       "tool_cache": str(Path(self.state_dir) / "tools"), "environment": "self-hosted"},
            "secrets": {"GITHUB_TOKEN": self.github["token"]},
            "job": {"status": self.status}, "strategy": {}, "needs": self.args.needs_ctx,
            "inputs": self.github["event"].get("inputs") or {},
        }
        return Evaluator(contexts, workspace=self.workspace, status=self.status)

    def base_env(self):
        env = {k: v for k, v in os.environ.items()
               if k not in DROP_EXACT and (k in DROP_KEEP or not k.startswith(DROP_PREFIXES))}
        g = self.github
        env.update({
            "CI": "true", "GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": self.workspace, "GITHUB_SHA": g["sha"],
            "GITHUB_REF": g["ref"], "GITHUB_EVENT_NAME": g["event_name"], "GITHUB_EVENT_PATH": g["event_path"],
            "GITHUB_REPOSITORY": g["repository"], "GITHUB_REPOSITORY_OWNER": g["repository_owner"],
            "GITHUB_RUN_ID": str(g["run_id"]), "GITHUB_RUN_NUMBER": str(g["run_number"]),
            "GITHUB_RUN_ATTEMPT": "1", "GITHUB_SERVER_URL": g["server_url"], "GITHUB_API_URL": g["api_url"],
            "GITHUB_JOB": self.job_id, "GITHUB_WORKFLOW": g["workflow"], "GITHUB_ACTOR": g["actor"],
            "GITHUB_HEAD_REF": g["head_ref"], "GITHUB_BASE_REF": g["base_ref"], "RUNNER_OS": "Linux",
            "RUNNER_ARCH": "X64", "RUNNER_TEMP": str(self.temp), "RUNNER_NAME": "pr-flow",
            "RUNNER_TOOL_CACHE": str(Path(self.state_dir) / "tools"),
        })
        return env

    def run(self):
        t0 = time.monotonic()
        load0 = os.getloadavg()[0]
        job = self.job
        unknown = set(job) - JOB_KEYS
        if unknown:
            raise RunError(f"job {self.job_id}: key(s) {sorted(unknown)} not supported by this runner")
        if job.get("defaults"):
            raise RunError(f"job {self.job_id}: `defaults` is not supported by this runner")
        wf_env = {k: self.evaluator({}).interpolate(v) for k, v in (self.wf.get("env") or {}).items()}
        job_env = dict(wf_env)
        job_env.update({k: self.evaluator(wf_env).interpolate(v) for k, v in (job.get("env") or {}).items()})
        self.job_env = job_env
        name = self.evaluator(job_env).interpolate(job.get("name", self.job_id))
        timeout = float(self.evaluator(job_env).interpolate(str(job.get("timeout-minutes", 360)))) * 60
        deadline = time.monotonic() + timeout
        say(f"job {self.job_id}: {name} (runs-on {job.get('runs-on')} -> this machine; permissions "
            f"{json.dumps(job.get('permissions', self.wf.get('permissions')))}; timeout {timeout / 60:g} min)")
        if "if" in job and not self.evaluator(job_env).condition(job["if"]):
            say(f"job {self.job_id}: skipped (if: {' '.join(str(job['if']).split())})")
            return {"name": name, "conclusion": "skipped", "seconds": 0.0, "steps": [], "annotations": []}
        steps = []
        for n, step in enumerate(job.get("steps") or []):
            steps.append(self.run_step(n, step, deadline))
        for label, fn in reversed(self.post_steps):
            t = time.monotonic()
            say(f"step: {label}")
            try:
                fn(self.status == "success")
                steps.append({"name": label, "conclusion": "success", "seconds": time.monotonic() - t})
            except ActionError as e:
                say(f"ERROR: {label}: {e}")
                steps.append({"name": label, "conclusion": "failure", "seconds": time.monotonic() - t})
                self.status = "failure"
        (self.dir / "summary.md").write_text("".join(self.summary))
        if self.status != "success" and self.args.quiet and (self.dir / "log.txt").exists():
            tail = (self.dir / "log.txt").read_text(errors="replace").splitlines()[-25:]
            say(f"job {self.job_id} failed; the end of {self.dir / 'log.txt'}:")
            print("\n".join(f"  {line}" for line in tail), flush=True)
        seconds = time.monotonic() - t0
        say(f"job {self.job_id}: {self.status} in {seconds:.0f} s")
        return {"name": name, "conclusion": self.status, "seconds": seconds, "steps": steps,
                "load": [round(load0, 2), round(os.getloadavg()[0], 2)],
                "annotations": self.annotations, "summary": str(self.dir / "summary.md"),
                "workspace": self.workspace}

    def run_step(self, n, step, deadline):
        unknown = set(step) - STEP_KEYS
        if unknown:
            raise RunError(f"job {self.job_id} step {n}: key(s) {sorted(unknown)} not supported by this runner")
        label = step.get("name") or step.get("uses") or (step.get("run") or "").splitlines()[0]
        env_ctx = dict(self.job_env)
        env_ctx.update(self.extra_env)
        ev = self.evaluator(env_ctx)
        step_env = {k: ev.interpolate(v) for k, v in (step.get("env") or {}).items()}
        env_ctx.update(step_env)
        ev = self.evaluator(env_ctx)
        cond = step.get("if", "success()")
        t0 = time.monotonic()
        record = {"name": label, "id": step.get("id")}
        if not ev.condition(cond):
            say(f"step {n}: {label}: skipped (if: {cond}; job {self.status})")
            record.update(conclusion="skipped", seconds=0.0)
            if step.get("id"):
                self.steps_ctx[step["id"]] = {"outputs": {}, "outcome": "skipped", "conclusion": "skipped"}
            return record
        say(f"step {n}: {label}")
        outputs, ok = {}, True
        try:
            if "uses" in step:
                inputs = {k: ev.interpolate(str(v).lower() if isinstance(v, bool) else str(v))
                          for k, v in (step.get("with") or {}).items()}
                outputs = run_action(self, step["uses"], inputs) or {}
            elif "run" in step:
                outputs, ok = self.run_script(n, step, ev, env_ctx, deadline)
            else:
                raise RunError(f"job {self.job_id} step {n}: neither run nor uses")
        except ActionError as e:
            print(f"::error::{e}", flush=True)
            self.annotations.append({"level": "error", "message": str(e)})
            ok = False
        if not ok and str(step.get("continue-on-error", "false")).lower() != "true":
            self.status = "failure"
        conclusion = "success" if ok else "failure"
        if step.get("id"):
            self.steps_ctx[step["id"]] = {"outputs": outputs, "outcome": conclusion, "conclusion": conclusion}
        record.update(conclusion=conclusion, seconds=time.monotonic() - t0, outputs=outputs)
        say(f"step {n}: {label}: {conclusion} ({record['seconds']:.1f} s)")
        return record

    def run_script(self, n, step, ev, env_ctx, deadline):
        script = ev.interpolate(step["run"])
        shell = step.get("shell")
        path = self.temp / f"step-{n}.sh"
        path.write_text(script + "\n")
        if shell is None:
            argv = ["bash", "-e", str(path)]
        elif shell == "bash":
            argv = ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(path)]
        else:
            raise RunError(f"job {self.job_id} step {n}: shell {shell!r} is not supported by this runner")
        files = {name: self.temp / f"{name.lower()}-{n}" for name in
                 ("GITHUB_OUTPUT", "GITHUB_ENV", "GITHUB_PATH", "GITHUB_STEP_SUMMARY")}
        for f in files.values():
            f.write_text("")
        env = self.base_env()
        env.update(env_ctx)
        env.update({k: str(v) for k, v in files.items()})
        env["PATH"] = ":".join([str(SHIMS), *self.extra_path, env.get("PATH", "")])
        cwd = Path(self.workspace) / ev.interpolate(step.get("working-directory", "."))
        if step.get("timeout-minutes"):
            deadline = min(deadline, time.monotonic() + float(step["timeout-minutes"]) * 60)
        proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                start_new_session=True)
        timed_out = False
        t0 = time.monotonic()
        with open(self.dir / "log.txt", "ab") as log:
            log.write(f"=== step {n}: {step.get('name', '')} ({time.strftime('%H:%M:%S')})\n".encode())
            for raw in iter(proc.stdout.readline, b""):
                log.write(f"[{time.monotonic() - t0:7.1f}s] ".encode() + raw)
                line = raw.decode(errors="replace").rstrip("\n")
                if not self.args.quiet:
                    print(f"  {line}", flush=True)
                m = re.match(r"^::(error|warning|notice)(?: ([^:]*))?::(.*)$", line)
                if m:
                    self.annotations.append({"level": m.group(1), "props": m.group(2) or "",
                                             "message": m.group(3)})
                if time.monotonic() > deadline:
                    timed_out = True
                    os.killpg(proc.pid, signal.SIGKILL)
                    break
        try:
            rc = proc.wait(timeout=max(1.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            timed_out = True
            os.killpg(proc.pid, signal.SIGKILL)
            rc = proc.wait()
        if timed_out:
            say(f"ERROR: step {n} exceeded the job's timeout-minutes; killed")
            rc = rc or 124
        outputs = parse_kv_file(files["GITHUB_OUTPUT"])
        self.extra_env.update(parse_kv_file(files["GITHUB_ENV"]))
        for p in files["GITHUB_PATH"].read_text().splitlines():
            if p.strip():
                self.add_path(p.strip())
        self.summary.append(files["GITHUB_STEP_SUMMARY"].read_text())
        if rc != 0:
            say(f"step {n}: exit code {rc}")
        return outputs, rc == 0


def matrix_of(job_id, job, ev):
    strategy = job.get("strategy") or {}
    unknown = set(strategy) - {"matrix", "fail-fast", "max-parallel"}
    if unknown:
        raise RunError(f"job {job_id}: strategy key(s) {sorted(unknown)} not supported")
    m = strategy.get("matrix")
    if not m:
        return [{}]
    if not isinstance(m, dict) or any(k in m for k in ("include", "exclude")):
        raise RunError(f"job {job_id}: only a plain matrix of lists is supported (no include/exclude)")
    keys = list(m)
    values = []
    for k in keys:
        v = m[k]
        if isinstance(v, str):
            v = ev.evaluate(v[3:-2]) if v.startswith("${{") else [v]
        values.append(v)
    return [dict(zip(keys, combo)) for combo in itertools.product(*values)]


def run(args):
    wf = yaml.safe_load(Path(args.workflow).read_text())
    unknown = set(wf) - WORKFLOW_KEYS
    if unknown:
        raise RunError(f"{args.workflow}: key(s) {sorted(unknown)} not supported")
    on = wf.get("on", wf.get(True))
    triggers = on if isinstance(on, (dict, list)) else [on]
    if args.event not in triggers:
        raise RunError(f"{args.workflow} is not triggered by {args.event} (its triggers: {list(triggers)})")
    event = json.loads(Path(args.event_path).read_text())
    owner = args.repository.split("/")[0]
    github = {
        "event": event, "event_name": args.event, "event_path": str(Path(args.event_path).resolve()),
        "sha": args.sha, "ref": args.ref, "ref_name": args.ref.rsplit("/", 1)[-1], "repository": args.repository,
        "repository_owner": owner, "run_id": args.run_id, "run_number": args.run_id, "run_attempt": "1",
        "server_url": args.server_url, "api_url": args.api_url, "graphql_url": f"{args.api_url}/graphql",
        "token": args.token, "workflow": wf.get("name", Path(args.workflow).name), "actor": "pr-flow",
        "triggering_actor": "pr-flow", "head_ref": event.get("pull_request", {}).get("head", {}).get("ref", ""),
        "base_ref": event.get("pull_request", {}).get("base", {}).get("ref", ""), "action": "",
        "before": event.get("before"),
    }
    run_dir = Path(args.state_dir) / "runs" / str(args.run_id)
    run_dir.mkdir(parents=True, exist_ok=True)
    top = Evaluator({"github": github, "env": {}, "inputs": event.get("inputs") or {}})
    if wf.get("concurrency"):
        c = wf["concurrency"]
        group = top.interpolate(c["group"] if isinstance(c, dict) else c)
        say(f"concurrency group {group} (runs here are sequential; cancel-in-progress "
            f"{top.interpolate(str(c.get('cancel-in-progress', False))) if isinstance(c, dict) else 'false'})")
    jobs = wf.get("jobs") or {}
    wanted = args.job or list(jobs)
    for j in wanted:
        if j not in jobs:
            raise RunError(f"{args.workflow} has no job {j!r} (it has {list(jobs)})")
    args.needs_ctx = {}
    results, done, order = {}, set(), []
    pending = list(wanted)
    while pending:
        ready = [j for j in pending if set(jobs[j].get("needs") or []) <= done or not set(
            jobs[j].get("needs") or []) & set(wanted)]
        if not ready:
            raise RunError(f"jobs {pending}: their `needs` cannot be satisfied")
        j = ready[0]
        pending.remove(j)
        order.append(j)
        done.add(j)
    for j in order:
        for matrix in matrix_of(j, jobs[j], top):
            job = Job(args, run_dir, j, jobs[j], wf, github, matrix)
            key = j + ("-" + "-".join(map(str, matrix.values())) if matrix else "")
            results[key] = job.run()
            outputs = {k: job.evaluator(job.job_env).interpolate(v) for k, v in (jobs[j].get("outputs") or {}).items()}
            args.needs_ctx[j] = {"result": results[key]["conclusion"], "outputs": outputs}
    failed = [k for k, r in results.items() if r["conclusion"] == "failure"]
    conclusion = "failure" if failed else "success"
    (run_dir / "result.json").write_text(json.dumps(
        {"run_id": args.run_id, "workflow": args.workflow, "event": args.event, "conclusion": conclusion,
         "jobs": results}, indent=1))
    say(f"run {args.run_id} ({Path(args.workflow).name}, {args.event}): {conclusion}"
        + (f" (failed: {', '.join(failed)})" if failed else ""))
    return 1 if failed else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    for opt in ("workflow", "event", "event-path", "state-dir", "run-id", "repo-url", "repository", "sha", "ref",
                "api-url", "token"):
        r.add_argument(f"--{opt}", required=True)
    r.add_argument("--server-url", default="https://github.com")
    r.add_argument("--job", action="append", help="run only this job (repeatable)")
    r.add_argument("--quiet", action="store_true", help="step output only to the job's log.txt")
    s = sub.add_parser("seed-cache")
    s.add_argument("--state-dir", required=True)
    s.add_argument("--key", required=True)
    s.add_argument("--source", required=True)
    s.add_argument("paths", nargs="+")
    args = ap.parse_args()
    try:
        if args.cmd == "seed-cache":
            present = seed_cache(args.state_dir, args.key, args.source, args.paths)
            say(f"cache seeded: {args.key} <- {args.source}: {present}")
            return 0
        return run(args)
    except (RunError, ExprError, ActionError, yaml.YAMLError) as e:
        say(f"ERROR: {e}")
        return 2


if __name__ == "__main__":
    sys.exit(main())
