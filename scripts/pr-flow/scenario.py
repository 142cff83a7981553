"""The scenario's data side (scripts/pr-flow/run.sh calls it): event payloads, the mock's state, the checks on
the PR's comments, forged artifacts and the timing table. Python standard library only.

    scenario.py init-mock STATE --repo O/R --pr N --head SHA --base SHA --branch B --token T
    scenario.py add-pr STATE --repo O/R --pr N --head SHA --base SHA --branch B
    scenario.py set-head STATE --repo O/R --pr N --head SHA
    scenario.py pr-event OUT --repo O/R --pr N --head SHA --base SHA --branch B --action A --server URL
    scenario.py run-event OUT --repo O/R --run-id ID --conclusion C --head SHA --branch B --prs N,… --server URL
    scenario.py snapshot STATE OUT                    # the PR conversations and the request count, for later
    scenario.py expect STATE --repo O/R --pr N --verdict fail|pass [--same-as SNAP] [--save BODY.md] [--bench-re RE]
    scenario.py unchanged STATE --since SNAP          # no comment changed and no write request since SNAP
    scenario.py forge SRC DST --pr N | --head-sha SHA # a copy of a run's artifacts with one field changed
    scenario.py assert-run DIR RUN_ID --job J --conclusion C [--failed-step NAME] [--output STEP.K=V] [--annotation T]
    scenario.py record DIR FIXTURES --base SHA --recorded WHEN --mode M --fail-run ID --fail-head SHA --pass-run …
    scenario.py replay DIR FIXTURES --label fail|pass --run-id ID --base SHA --head SHA --pr N
    scenario.py timings DIR LABEL=RUN_ID …            # the table of job wall times
"""

import argparse
import json
import re
import shutil
import sys
from pathlib import Path

MARKER = "<!-- guard:performance-report -->"
BOT = {"login": "github-actions[bot]", "type": "Bot"}


def load(p):
    return json.loads(Path(p).read_text())


def dump(p, data):
    Path(p).write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")


def pull(repo, pr, head, base, branch):
    return {"number": pr, "state": "open", "title": f"pr-flow scenario PR #{pr}",
            "head": {"sha": head, "ref": branch, "repo": {"full_name": repo}},
            "base": {"sha": base, "ref": "main", "repo": {"full_name": repo}}}


def init_mock(a):
    # Comments by people before the guard's first run: more than one page (100), one of them quoting the marker
    # (a human pasting the guard's comment must not become "the" guard comment when --author is given).
    people = []
    for i in range(1, 131):
        body = f"review comment {i}"
        if i == 57:
            body = f"{MARKER}\nquoted by a reviewer: not the guard's comment"
        people.append({"id": i, "body": body, "user": {"login": "reviewer", "type": "User"},
                       "html_url": f"{a.server}/{a.repo}/pull/{a.pr}#issuecomment-{i}",
                       "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"})
    dump(a.state, {"token": a.token, "bot": BOT, "next_comment_id": 1000, "requests": [],
                   "repos": {a.repo: {"pulls": {str(a.pr): pull(a.repo, a.pr, a.head, a.base, a.branch)},
                                      "comments": {str(a.pr): people}}}})


def add_pr(a):
    s = load(a.state)
    s["repos"][a.repo]["pulls"][str(a.pr)] = pull(a.repo, a.pr, a.head, a.base, a.branch)
    dump(a.state, s)


def set_head(a):
    s = load(a.state)
    s["repos"][a.repo]["pulls"][str(a.pr)]["head"]["sha"] = a.head
    dump(a.state, s)


def pr_event(a):
    owner = a.repo.split("/")[0]
    dump(a.out, {
        "action": a.action, "number": a.pr, "pull_request": pull(a.repo, a.pr, a.head, a.base, a.branch),
        "repository": {"full_name": a.repo, "name": a.repo.split("/")[1], "owner": {"login": owner},
                       "default_branch": "main"},
        "sender": {"login": "pr-flow", "type": "User"}})


def run_event(a):
    prs = [int(p) for p in a.prs.split(",") if p]
    dump(a.out, {
        "action": "completed",
        "workflow_run": {
            "id": int(a.run_id), "name": "bench", "event": "pull_request", "status": "completed",
            "conclusion": a.conclusion, "head_sha": a.head, "head_branch": a.branch,
            "head_repository": {"full_name": a.repo}, "repository": {"full_name": a.repo},
            "html_url": f"{a.server}/{a.repo}/actions/runs/{a.run_id}",
            "pull_requests": [{"number": n, "head": {"sha": a.head, "ref": a.branch},
                               "base": {"ref": "main"}} for n in prs]},
        "workflow": {"name": "bench", "path": ".github/workflows/bench.yml"},
        "repository": {"full_name": a.repo, "name": a.repo.split("/")[1], "default_branch": "main",
                       "owner": {"login": a.repo.split("/")[0]}},
        "sender": {"login": "pr-flow", "type": "User"}})


def guard_comments(state, repo, pr):
    comments = state["repos"][repo]["comments"].get(str(pr), [])
    return [c for c in comments if c["user"] == BOT and (c.get("body") or "").startswith(MARKER)]


def fail(msg):
    print(f"pr-flow: CHECK FAILED: {msg}", file=sys.stderr)
    sys.exit(1)


def snapshot(a):
    s = load(a.state)
    dump(a.out, {"comments": {r: v["comments"] for r, v in s["repos"].items()}, "requests": len(s["requests"])})


def expect(a):
    s = load(a.state)
    ours = guard_comments(s, a.repo, a.pr)
    if len(ours) != 1:
        fail(f"PR #{a.pr} has {len(ours)} guard comments by {BOT['login']}, expected exactly 1")
    c = ours[0]
    body = c["body"]
    first = next((line for line in body.splitlines()[1:] if line.strip()), "")
    want = a.verdict.upper()
    if not re.search(rf"\b{want}\b", first):
        fail(f"the comment's verdict line is {first!r}, expected {want}")
    if a.verdict == "fail":
        needles = [("```mermaid", "a mermaid chart"), ("<details><summary>Root cause of ", "root-cause sections"),
                   ("self cost per function", "root-cause functions")]
        if not a.replayed:
            # Replayed fixtures (--short) hold the reports of the run they were recorded from; the ones committed
            # now predate line-level root cause (re-record them with a full run: run.sh --record-fixtures).
            needles.append(("source lines by self Ir change", "root-cause source lines"))
        for needle, what in needles:
            if needle not in body:
                fail(f"the comment has no {what} ({needle!r})")
        rows = re.findall(r"^\| ❌ regression \| ([^|]+?) \| (\w+) \|", body, flags=re.M)
        ir = [bench.replace("\\", "") for bench, suite in rows if suite == "instructions"]
        wall = [bench.replace("\\", "") for bench, suite in rows if suite != "instructions"]
        behind = [b.replace("\\", "") for b in re.findall(r"Root cause of ([^<:]+)[:<]", body)]
        bad = [b for b in ir + behind if not re.match(a.bench_re, b)]
        if not ir or bad:
            fail(f"instruction-count regressions {ir}, root causes for {behind}: expected only and at least one "
                 f"benchmark matching {a.bench_re}")
        print(f"pr-flow: instruction-count regressions: {', '.join(ir)}")
        print(f"pr-flow: root causes shown for: {', '.join(behind)}")
        print(f"pr-flow: wall-clock regressions (gating): {', '.join(wall) or 'none'}")
    print(f"pr-flow: mermaid charts in the comment: {body.count('```mermaid')}")
    if a.same_as:
        before = load(a.same_as)
        if before["id"] != c["id"]:
            fail(f"the guard comment is now {c['id']}, was {before['id']}: a new comment instead of an update")
        new_requests = s["requests"][before["requests"]:]
        if any(r["method"] == "POST" for r in new_requests):
            fail("a comment was created (POST) although one existed")
        if not any(r["method"] == "PATCH" and r["status"] == 200 for r in new_requests):
            fail("the comment was not updated (no PATCH)")
    if a.save:
        Path(a.save).write_text(body)
    if a.record:
        dump(a.record, {"id": c["id"], "requests": len(s["requests"])})
    pages = [r for r in s["requests"] if r["method"] == "GET" and r["path"].endswith("/comments")]
    print(f"pr-flow: one guard comment (id {c['id']}), verdict {want}: {first.strip()[:120]}")
    print(f"pr-flow: {len(s['repos'][a.repo]['comments'][str(a.pr)])} comments on PR #{a.pr} in all; "
          f"{len(pages)} comment pages read so far")


def unchanged(a):
    s = load(a.state)
    before = load(a.since)
    now = {r: v["comments"] for r, v in s["repos"].items()}
    if now != before["comments"]:
        fail("the comments changed")
    writes = [r for r in s["requests"][before["requests"]:] if r["method"] in ("POST", "PATCH")]
    if writes:
        fail(f"write requests were made: {writes}")
    print(f"pr-flow: no comment changed, no write request ({len(s['requests']) - before['requests']} requests)")


def forge(a):
    src, dst = Path(a.src), Path(a.dst)
    if dst.exists():
        shutil.rmtree(dst)
    shutil.copytree(src, dst)
    for art in sorted(p for p in dst.iterdir() if p.is_dir()):
        if a.pr is not None:
            (art / "pr-number").write_text(f"{a.pr}\n")
        if a.head_sha is not None:
            (art / "head-sha").write_text(f"{a.head_sha}\n")
    print(f"pr-flow: forged artifacts {dst} from {src}"
          + (f": pr-number {a.pr}" if a.pr is not None else "") + (f": head-sha {a.head_sha}" if a.head_sha else ""))


def assert_run(a):
    """Checks a run's result: the job's conclusion, the first failed step, and step outputs."""
    r = load(Path(a.dir) / "runs" / a.run_id / "result.json")
    job = r["jobs"].get(a.job)
    if job is None:
        fail(f"run {a.run_id} has no job {a.job} (it has {list(r['jobs'])})")
    if job["conclusion"] not in a.conclusion.split("|"):
        fail(f"run {a.run_id} job {a.job}: {job['conclusion']}, expected {a.conclusion}")
    failed = [s["name"] for s in job["steps"] if s["conclusion"] == "failure"]
    if a.failed_step and (not failed or not failed[0].startswith(a.failed_step)):
        fail(f"run {a.run_id} job {a.job}: first failed step {failed[:1]}, expected {a.failed_step!r}")
    for spec in a.output or []:
        key, want = spec.split("=", 1)
        step_id, name = key.split(".", 1)
        got = next((s.get("outputs", {}).get(name) for s in job["steps"] if s.get("id") == step_id), None)
        if got not in want.split("|"):
            fail(f"run {a.run_id} job {a.job}: steps.{step_id}.outputs.{name} = {got!r}, expected {want}")
    for needle in a.annotation or []:
        if not any(needle in n["message"] or needle in n.get("props", "") for n in job["annotations"]):
            fail(f"run {a.run_id} job {a.job}: no annotation containing {needle!r} ({job['annotations']})")
    print(f"pr-flow: run {a.run_id} job {a.job}: {job['conclusion']} as expected"
          + (f" (failed at {failed[0]!r})" if failed else ""))


def record(a):
    """Keeps a full run's artifacts as the fixtures of --short: the JSON reports, PR number and head SHA of the
    failing (slow exp) and the passing (restored) bench run, without the SVG plots."""
    out = Path(a.fixtures)
    if out.exists():
        shutil.rmtree(out)
    meta = {"base": a.base, "recorded": a.recorded, "mode": a.mode, "runs": {}}
    for label, run_id, head in (("fail", a.fail_run, a.fail_head), ("pass", a.pass_run, a.pass_head)):
        result = load(Path(a.dir) / "runs" / run_id / "result.json")
        src = Path(a.dir) / "artifacts" / run_id
        for art in sorted(p for p in src.iterdir() if p.is_dir()):
            for f in sorted(art.iterdir()):
                if f.is_file():
                    (out / label / art.name).mkdir(parents=True, exist_ok=True)
                    shutil.copy2(f, out / label / art.name / f.name)
        meta["runs"][label] = {"head": head, "conclusion": result["conclusion"],
                               "jobs": {j: r["conclusion"] for j, r in result["jobs"].items()}}
    dump(out / "meta.json", meta)
    print(f"pr-flow: fixtures recorded in {out}")


def replay(a):
    """Puts a recorded bench run's artifacts into the artifact store as run RUN_ID, with this scenario's PR
    number, head and base commit in place of the recorded ones. Prints the recorded run's conclusion."""
    fx = Path(a.fixtures)
    meta = load(fx / "meta.json")
    rec = meta["runs"][a.label]
    swaps = [(meta["base"], a.base), (rec["head"], a.head)]
    dst = Path(a.dir) / "artifacts" / a.run_id
    if dst.exists():
        shutil.rmtree(dst)
    for art in sorted(p for p in (fx / a.label).iterdir() if p.is_dir()):
        (dst / art.name).mkdir(parents=True)
        for f in sorted(art.iterdir()):
            text = f.read_text()
            for old, new in swaps:
                text = text.replace(old, new).replace(old[:10], new[:10])
            (dst / art.name / f.name).write_text(text)
        (dst / art.name / "pr-number").write_text(f"{a.pr}\n")
        (dst / art.name / "head-sha").write_text(f"{a.head}\n")
    print(rec["conclusion"])


def timings(a):
    rows = []
    for spec in a.runs:
        label, run_id = spec.rsplit("=", 1)
        result = Path(a.dir) / "runs" / run_id / "result.json"
        if not result.exists():
            rows.append((label, run_id, "-", "(not run)", "", ""))
            continue
        r = load(result)
        for job_id, j in r["jobs"].items():
            la = j.get("load") or ["", ""]
            rows.append((label, run_id, job_id, j["conclusion"], f"{j['seconds']:.0f}", f"{la[0]} → {la[1]}"))
    head = ("run", "id", "job", "conclusion", "wall s", "load avg (1 min) start → end")
    widths = [max(len(str(x[i])) for x in rows + [head]) for i in range(len(head))]
    out = ["| " + " | ".join(h.ljust(w) for h, w in zip(head, widths)) + " |",
           "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += ["| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths)) + " |" for row in rows]
    text = "\n".join(out) + "\n"
    print(text, end="")
    if a.out:
        Path(a.out).write_text(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)

    def pr_args(p, head=True):
        p.add_argument("--repo", required=True)
        p.add_argument("--pr", type=int, required=True)
        if head:
            p.add_argument("--head", required=True)

    p = sub.add_parser("init-mock")
    p.add_argument("state")
    pr_args(p)
    for o in ("--base", "--branch", "--token", "--server"):
        p.add_argument(o, required=True)
    p = sub.add_parser("add-pr")
    p.add_argument("state")
    pr_args(p)
    p.add_argument("--base", required=True)
    p.add_argument("--branch", required=True)
    p = sub.add_parser("set-head")
    p.add_argument("state")
    pr_args(p)
    p = sub.add_parser("pr-event")
    p.add_argument("out")
    pr_args(p)
    for o in ("--base", "--branch", "--action", "--server"):
        p.add_argument(o, required=True)
    p = sub.add_parser("run-event")
    p.add_argument("out")
    for o in ("--repo", "--run-id", "--conclusion", "--head", "--branch", "--prs", "--server"):
        p.add_argument(o, required=True)
    p = sub.add_parser("snapshot")
    p.add_argument("state")
    p.add_argument("out")
    p = sub.add_parser("expect")
    p.add_argument("state")
    pr_args(p, head=False)
    p.add_argument("--verdict", choices=("fail", "pass"), required=True)
    p.add_argument("--replayed", action="store_true", help="the bench reports were replayed (--short)")
    p.add_argument("--same-as")
    p.add_argument("--save")
    p.add_argument("--record")
    p.add_argument("--bench-re", default=r"^exp/")
    p = sub.add_parser("unchanged")
    p.add_argument("state")
    p.add_argument("--since", required=True)
    p = sub.add_parser("forge")
    p.add_argument("src")
    p.add_argument("dst")
    p.add_argument("--pr", type=int)
    p.add_argument("--head-sha")
    p = sub.add_parser("assert-run")
    p.add_argument("dir")
    p.add_argument("run_id")
    p.add_argument("--job", required=True)
    p.add_argument("--conclusion", required=True)
    p.add_argument("--failed-step")
    p.add_argument("--output", action="append", help="STEP.NAME=VALUE[|VALUE…]")
    p.add_argument("--annotation", action="append", help="text an annotation must contain")
    p = sub.add_parser("record")
    p.add_argument("dir")
    p.add_argument("fixtures")
    for o in ("--base", "--recorded", "--mode", "--fail-run", "--fail-head", "--pass-run", "--pass-head"):
        p.add_argument(o, required=True)
    p = sub.add_parser("replay")
    p.add_argument("dir")
    p.add_argument("fixtures")
    for o in ("--label", "--run-id", "--base", "--head"):
        p.add_argument(o, required=True)
    p.add_argument("--pr", type=int, required=True)
    p = sub.add_parser("timings")
    p.add_argument("dir")
    p.add_argument("runs", nargs="+")
    p.add_argument("--out")
    a = ap.parse_args()
    {"init-mock": init_mock, "add-pr": add_pr, "set-head": set_head, "pr-event": pr_event,
     "run-event": run_event, "snapshot": snapshot, "expect": expect, "unchanged": unchanged,
     "forge": forge, "timings": timings, "assert-run": assert_run, "record": record, "replay": replay}[a.cmd](a)


if __name__ == "__main__":
    main()
