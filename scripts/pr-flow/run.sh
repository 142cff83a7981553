#!/usr/bin/env bash
# The whole pull-request flow, locally and repeatably: bench.yml's jobs for a pull_request event, their artifacts,
# then comment.yml for the workflow_run event, against a local mock of the GitHub API (scripts/pr-flow/README.md).
#
#   scripts/pr-flow/run.sh [--short | --narrow] [--cold] [--quiet] [--record-fixtures]
#
# Scenario, in a scratch repository under target/pr-flow (a clone of this checkout's HEAD, pushed to a bare
# `origin` that the workflows' checkout step clones from):
#   1. PR #1 slows `exp` (src/kernels/math.rs: two additions of +0.0 that change no result) → bench.yml (jobs
#      instructions, wall) → comment.yml: exactly one guard comment, verdict FAIL, naming exp/… with root-cause
#      lines and a mermaid chart.
#   2. A second push restores the kernel → bench.yml → comment.yml: the SAME comment (same id, PATCH) says PASS.
#   3. comment.yml on forged artifacts — PR number changed, head SHA changed (verify-artifact refuses), and a
#      fork-style run whose artifact names another PR (guard comment --head-sha refuses) — no comment changes.
# Then a table of every job's wall time (and the load average at its start and end).
#
# Modes (the default is full: bench.yml measures as it does on GitHub):
# --short   (or PR_FLOW_SHORT=1) for CI: bench.yml is not run; its two runs' artifacts are replayed from
#           scripts/pr-flow/fixtures/ (recorded from a full run; the PR number, head and base commits are this
#           scenario's). comment.yml — verification, guard's build, the sticky comment, the forgeries — runs for real.
# --narrow  bench.yml runs for real on fewer benches: the scratch repository's main gets one more commit that
#           narrows them to n = 1000 (LANES_BENCH_SIZES in .cargo/config.toml [env]) and the paired wall-clock
#           plan to 3 rounds x 5 pairs (thresholds.toml).
# --cold    no seeded caches: the jobs start from empty target directories (as a repository's very first run).
#           By default the local cache store is seeded, under the restore-keys prefix, with this checkout's
#           target/{release,tools,guard/base/target} (what bench.yml's cache on main would hold).
# --record-fixtures  after a full or narrow run: keep its bench artifacts as the fixtures of --short.
# --quiet   step output only into each job's log.txt (target/pr-flow/state/runs/<run>/<job>/).
#
# Exit status: 0 every check held, 1 a check failed, 2 the flow could not be run.
set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
root=$(git -C "$here" rev-parse --show-toplevel)
mode=full
[[ "${PR_FLOW_SHORT:-0}" == 1 ]] && mode=short
cold=0
record=0
quiet=()
for arg in "$@"; do
    case "$arg" in
        --short) mode=short ;;
        --narrow) mode=narrow ;;
        --cold) cold=1 ;;
        --record-fixtures) record=1 ;;
        --quiet) quiet=(--quiet) ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "pr-flow: unknown argument $arg (see --help)" >&2; exit 2 ;;
    esac
done
fixtures=$here/fixtures
if [[ $record == 1 && $mode == short ]]; then
    echo "pr-flow: --record-fixtures needs a run that measures (full or --narrow)" >&2
    exit 2
fi
if [[ $mode == short && ! -f $fixtures/meta.json ]]; then
    echo "pr-flow: --short replays $fixtures, which is missing; record it with a full run: run.sh --record-fixtures" >&2
    exit 2
fi

dir=${PR_FLOW_DIR:-$root/target/pr-flow}
state=$dir/state
repo=$dir/repo
origin=$dir/origin.git
events=$dir/events
mock=$dir/mock
REPO=octo-org/lanes
PR=1
BRANCH=perf/slow-exp
TOKEN="ghs_prflow$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
t_start=$(date +%s)

say() { printf '\n==> pr-flow: %s (%s)\n' "$*" "$(date +%T)"; }
die() { echo "pr-flow: ERROR: $*" >&2; exit 2; }
machine() {
    echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); busiest processes:"
    ps -eo pcpu=,etime=,comm= --sort=-pcpu | head -6 | sed 's/^/    /'
}

# --- Python for the runner: PyYAML (same pin as scripts/lint-workflows.sh) in a venv under target/ ---------------
venv=$dir/venv
py=$venv/bin/python3
if ! "$py" -c 'import yaml' 2>/dev/null; then
    say "Python venv with PyYAML ($venv)"
    command -v python3 >/dev/null || die "python3 is needed (apt-get install python3 python3-venv)"
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "pyyaml==6.0.2"
fi
for tool in git jq tar; do command -v "$tool" >/dev/null || die "$tool is needed (apt-get install $tool)"; done

say "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'); mode: $mode"
machine

# --- a fresh scenario (the cache store is reset too; uv's download cache and the uv tool are kept) --------------
rm -rf "$repo" "$origin" "$events" "$mock" "$state/runs" "$state/artifacts" "$state/cache/entries"
mkdir -p "$events" "$mock" "$state"

say "scratch repository $repo (origin $origin) from $(git -C "$root" rev-parse --short HEAD)"
if [[ -n "$(git -C "$root" status --porcelain --untracked-files=no)" ]]; then
    echo "note: $root has uncommitted changes; the scratch repository has HEAD only"
fi
git init -q --bare "$origin"
git clone -q --no-local "$root" "$repo"
git -C "$repo" remote remove origin
git -C "$repo" remote add origin "file://$origin"
git -C "$repo" checkout -q -B main "$(git -C "$root" rev-parse HEAD)"
git -C "$repo" config user.name "pr-flow"
git -C "$repo" config user.email "pr-flow@localhost"
if [[ $mode == narrow ]]; then
    "$py" - "$repo" <<'PY'
import re, sys
from pathlib import Path
repo = Path(sys.argv[1])
cfg = repo / ".cargo/config.toml"
text = cfg.read_text()
if "\n[env]\n" not in text:
    sys.exit("pr-flow: .cargo/config.toml has no [env] table; update run.sh")
cfg.write_text(text.replace("\n[env]\n", '\n[env]\n# pr-flow --narrow: the benches at n = 1000 only.\nLANES_BENCH_SIZES = "1000"\n', 1))
th = repo / "thresholds.toml"
text = th.read_text()
new, n = re.subn(r"(?m)^rounds = \d+$", "rounds = 3", text)
new, m = re.subn(r"(?m)^pairs = \d+$", "pairs = 5", new)
if n != 1 or m != 1:
    sys.exit("pr-flow: thresholds.toml: [wall_clock] rounds/pairs not found; update run.sh")
th.write_text(new)
PY
    git -C "$repo" commit -q -am "pr-flow --narrow: benches at n = 1000, paired plan 3 rounds x 5 pairs"
fi
git -C "$repo" push -q origin main
git -C "$origin" symbolic-ref HEAD refs/heads/main
base=$(git -C "$repo" rev-parse HEAD)

# Pushes the branch as PR #1's head and its test merge (refs/pull/1/{head,merge}); prints the merge commit.
push_pr() {
    local head=$1 merge
    git -C "$repo" push -q -f origin "$BRANCH" "$head:refs/pull/$PR/head"
    git -C "$repo" checkout -q --detach main
    git -C "$repo" merge -q --no-ff --no-edit -m "Merge $head into $base" "$head" >/dev/null
    merge=$(git -C "$repo" rev-parse HEAD)
    git -C "$repo" push -q -f origin "$merge:refs/pull/$PR/merge"
    git -C "$repo" checkout -q "$BRANCH"
    echo "$merge"
}

git -C "$repo" checkout -q -b "$BRANCH"
"$py" - "$repo/src/kernels/math.rs" <<'PY'
import sys
path = sys.argv[1]
text = open(path).read()
old = """pub(crate) fn exp<S: Simd>(s: S, x: S::V) -> S::V {
    let slow = any_outside(s, x, FAST_LO, FAST_HI);
    let (p, n) = exp_parts_clamped_if(s, x, slow, clamp_exp);
    if slow {
        scale(s, p, n)
    } else {
        s.mul_pow2i(p, n)
    }
}"""
new = """pub(crate) fn exp<S: Simd>(s: S, x: S::V) -> S::V {
    // Two additions of +0.0 that change no result (e^-0 = e^+0; the result is never -0) but cost work.
    let zero = s.splat(0.0);
    let x = s.add(x, zero);
    let slow = any_outside(s, x, FAST_LO, FAST_HI);
    let (p, n) = exp_parts_clamped_if(s, x, slow, clamp_exp);
    let r = if slow {
        scale(s, p, n)
    } else {
        s.mul_pow2i(p, n)
    };
    s.add(r, zero)
}"""
if text.count(old) != 1:
    sys.exit("pr-flow: exp() in src/kernels/math.rs is not as expected; update run.sh")
open(path, "w").write(text.replace(old, new))
PY
git -C "$repo" commit -q -am "exp: normalise the sign of zero on the way in and out (slower)"
head1=$(git -C "$repo" rev-parse HEAD)
merge1=$(push_pr "$head1")
echo "base $base, PR #$PR head $head1 (merge $merge1)"

# --- the mock GitHub API -----------------------------------------------------------------------------------
"$py" "$here/scenario.py" init-mock "$mock/state.json" --repo "$REPO" --pr "$PR" --head "$head1" --base "$base" \
    --branch "$BRANCH" --token "$TOKEN" --server "http://127.0.0.1"
"$py" "$here/mock_github.py" --state "$mock/state.json" --port-file "$mock/port" 2>"$mock/server.log" &
mock_pid=$!
trap 'kill "$mock_pid" 2>/dev/null || true' EXIT
for _ in $(seq 50); do [[ -s "$mock/port" ]] && break; sleep 0.1; done
[[ -s "$mock/port" ]] || die "the mock GitHub API did not start ($mock/server.log)"
server="http://127.0.0.1:$(cat "$mock/port")"
echo "mock GitHub API: $server (state $mock/state.json, log $mock/server.log)"

# --- caches: what bench.yml's runs on main would have saved --------------------------------------------------
toolchain=$("$py" -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["env"]["RUST_TOOLCHAIN"])' \
    "$repo/.github/workflows/bench.yml")
if [[ $cold == 1 ]]; then
    say "cold caches (--cold): the jobs start from empty target directories"
else
    # --short runs only comment.yml, which needs guard's build: target/release.
    seed_paths=(target/release)
    [[ $mode == short ]] || seed_paths+=(target/tools target/guard/base/target)
    say "seeding the cache store from $root: ${seed_paths[*]} (as main's bench.yml run would have saved it)"
    first=""
    for job in instructions wall; do
        key="bench-$job-Linux-rust-$toolchain-seeded-from-host"
        if [[ -z "$first" ]]; then
            "$py" "$here/workflow.py" seed-cache --state-dir "$state" --key "$key" --source "$root" "${seed_paths[@]}"
            first=$key
            runner=${LANES_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/lanes/tools}/bin/gungraun-runner
            seeded=$state/cache/entries/$first/files/target/tools/bin
            if [[ ! -x "$seeded/gungraun-runner" && -x "$runner" ]]; then
                mkdir -p "$seeded"
                cp -L "$runner" "$seeded/gungraun-runner"
                echo "seeded target/tools/bin/gungraun-runner from $runner"
            fi
        else
            cp -al "$state/cache/entries/$first" "$state/cache/entries/$key"
            jq --arg k "$key" '.key = $k' "$state/cache/entries/$first/meta.json" >"$state/cache/entries/$key/meta.json.new"
            rm "$state/cache/entries/$key/meta.json"
            mv "$state/cache/entries/$key/meta.json.new" "$state/cache/entries/$key/meta.json"
        fi
        echo "$key: $(du -sh "$state/cache/entries/$key" | cut -f1)"
    done
fi

run_workflow() { # RUN_ID WORKFLOW EVENT SHA REF [--job …]: runs it, prints nothing, returns its exit status
    local run_id=$1 wf=$2 event=$3 sha=$4 ref=$5
    shift 5
    git -C "$repo" show "$sha:.github/workflows/$wf" >"$events/$run_id-$wf"
    "$py" "$here/workflow.py" run --workflow "$events/$run_id-$wf" --event "$event" \
        --event-path "$events/$run_id.json" --state-dir "$state" --run-id "$run_id" --repo-url "file://$origin" \
        --repository "$REPO" --sha "$sha" --ref "$ref" --api-url "$server" --server-url "$server" \
        --token "$TOKEN" "${quiet[@]}" "$@"
}

bench() { # RUN_ID HEAD MERGE ACTION EXPECTED_EXIT FIXTURE_LABEL
    local run_id=$1 head=$2 merge=$3 action=$4 want=$5 label=$6 status=0
    if [[ $mode == short ]]; then
        say "run $run_id: bench.yml NOT run (--short): its artifacts replayed from $fixtures/$label"
        bench_conclusion=$("$py" "$here/scenario.py" replay "$state" "$fixtures" --label "$label" --run-id "$run_id" \
            --base "$base" --head "$head" --pr "$PR")
        return 0
    fi
    say "run $run_id: bench.yml for pull_request ($action) at $head"
    machine
    "$py" "$here/scenario.py" pr-event "$events/$run_id.json" --repo "$REPO" --pr "$PR" --head "$head" \
        --base "$base" --branch "$BRANCH" --action "$action" --server "$server"
    run_workflow "$run_id" bench.yml pull_request "$merge" "refs/pull/$PR/merge" || status=$?
    [[ $status -ne 2 ]] || die "bench.yml could not be run (run $run_id)"
    if [[ $status -ne "$want" ]]; then
        for summary in "$state/runs/$run_id"/*/summary.md; do
            echo "$(basename "$(dirname "$summary")"): $(grep -m1 '^## ' "$summary" || echo 'no verdict')" >&2
        done
        echo "pr-flow: CHECK FAILED: bench.yml run $run_id exited $status, expected $want" >&2
        exit 1
    fi
    bench_conclusion=$([[ $status -eq 0 ]] && echo success || echo failure)
}

bench_checks() { # RUN_ID CHECK-ARGS…: checks of a bench run's jobs (none in --short: nothing ran)
    [[ $mode == short ]] || check assert-run "$state" "$@"
}

comment() { # RUN_ID BENCH_RUN_ID HEAD PRS CONCLUSION EXPECTED_EXIT
    local run_id=$1 bench_run=$2 head=$3 prs=$4 conclusion=$5 want=$6 status=0 main_sha
    say "run $run_id: comment.yml for workflow_run (bench run $bench_run, $conclusion, head $head, PRs [$prs])"
    main_sha=$(git -C "$origin" rev-parse refs/heads/main)
    "$py" "$here/scenario.py" run-event "$events/$run_id.json" --repo "$REPO" --run-id "$bench_run" \
        --conclusion "$conclusion" --head "$head" --branch "$BRANCH" --prs "$prs" --server "$server"
    run_workflow "$run_id" comment.yml workflow_run "$main_sha" refs/heads/main || status=$?
    [[ $status -ne 2 ]] || die "comment.yml could not be run (run $run_id)"
    [[ $status -eq "$want" ]] || { echo "pr-flow: CHECK FAILED: comment.yml run $run_id exited $status, expected $want" >&2; exit 1; }
}

check() { "$py" "$here/scenario.py" "$@" || exit 1; }

# --- 1. the slow PR: FAIL ---------------------------------------------------------------------------------------
bench 101 "$head1" "$merge1" opened 1 fail
bench_checks 101 --job instructions --conclusion failure --failed-step "Verdict" --output check.status=1
# The wall-clock gate may or may not see the slower exp (n = 100,000 cells gate, 1,000 cells warn); never "no verdict".
bench_checks 101 --job wall --conclusion 'failure|success' --output 'check.status=0|1'
comment 102 101 "$head1" "$PR" "$bench_conclusion" 0
replayed=()
[[ $mode == short ]] && replayed=(--replayed)
check expect "$mock/state.json" --repo "$REPO" --pr "$PR" --verdict fail --save "$dir/comment-fail.md" \
    --record "$mock/after-fail.json" "${replayed[@]}"

# --- 2. a push that restores the kernel: the same comment, PASS -------------------------------------------------
git -C "$repo" revert --no-edit HEAD >/dev/null
head2=$(git -C "$repo" rev-parse HEAD)
merge2=$(push_pr "$head2")
"$py" "$here/scenario.py" set-head "$mock/state.json" --repo "$REPO" --pr "$PR" --head "$head2"
bench 103 "$head2" "$merge2" synchronize 0 pass
bench_checks 103 --job instructions --conclusion success --output check.status=0
bench_checks 103 --job wall --conclusion success --output check.status=0
comment 104 103 "$head2" "$PR" "$bench_conclusion" 0
check expect "$mock/state.json" --repo "$REPO" --pr "$PR" --verdict pass --same-as "$mock/after-fail.json" \
    --save "$dir/comment-pass.md"

# --- 3. forged artifacts: refused, nothing changes ---------------------------------------------------------------
"$py" "$here/scenario.py" add-pr "$mock/state.json" --repo "$REPO" --pr 2 --head "$base" --base "$base" \
    --branch other
check snapshot "$mock/state.json" "$mock/before-forged.json"
check forge "$state/artifacts/103" "$state/artifacts/901" --pr 2
comment 105 901 "$head2" "$PR" success 1
check assert-run "$state" 105 --job comment --conclusion failure --failed-step "Verify the artifact" \
    --annotation "Untrusted artifact rejected"
check forge "$state/artifacts/103" "$state/artifacts/902" --head-sha "$head1"
comment 106 902 "$head2" "$PR" success 1
check assert-run "$state" 106 --job comment --conclusion failure --failed-step "Verify the artifact" \
    --annotation "not the commit the bench run measured"
# A fork PR's run lists no pull requests, so only `guard comment --head-sha` can catch an artifact naming another PR.
comment 107 901 "$head2" "" success 1
check assert-run "$state" 107 --job comment --conclusion failure --failed-step "guard comment"
check unchanged "$mock/state.json" --since "$mock/before-forged.json"

unexpected=$(grep -c 'UNEXPECTED' "$mock/server.log" || true)
[[ "$unexpected" -eq 0 ]] || { echo "pr-flow: CHECK FAILED: the mock got $unexpected unexpected request(s)" >&2; exit 1; }

say "all checks held ($(( $(date +%s) - t_start )) s in all; mode $mode)"
machine
"$py" "$here/scenario.py" timings "$state" --out "$dir/timings.md" \
    "bench, push 1 (slow exp)=101" "comment, push 1=102" "bench, push 2 (restored)=103" "comment, push 2=104" \
    "comment, forged PR number=105" "comment, forged head SHA=106" "comment, fork-style forged PR=107"
[[ $mode != short ]] || echo "(runs 101 and 103: bench.yml not run in --short mode; artifacts replayed from $fixtures)"
echo "comment bodies: $dir/comment-fail.md, $dir/comment-pass.md; job logs: $state/runs/<run>/<job>/log.txt"
if [[ $record == 1 ]]; then
    "$py" "$here/scenario.py" record "$state" "$fixtures" --base "$base" --recorded "$(date -u +%FT%TZ)" \
        --mode "$mode" --fail-run 101 --fail-head "$head1" --pass-run 103 --pass-head "$head2"
fi
