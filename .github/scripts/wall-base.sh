#!/usr/bin/env bash
# bench.yml step: the wall-clock baseline for this run, measured on this runner, now. Wall-clock times from
# different machines are not comparable, so a PR is compared with its merge base measured in the same job:
# the merge base is checked out into a worktree and its wall-clock suite is run with the guard built from the
# head, into $RUNNER_TEMP/baselines (a copy of the committed baselines without their wall-clock files; the
# instruction-count baseline stays the committed one). Outside pull requests the base is BASE_SHA (the
# previous tip of the pushed branch) or else the parent commit.
#
# Environment: BASE_SHA (the PR's base commit, or the push's `before`; may be empty or all zeros),
# RUNNER_TEMP, GITHUB_WORKSPACE. Needs a full clone (fetch-depth: 0) and target/release/guard.
set -euo pipefail

baselines="$RUNNER_TEMP/baselines"
rm -rf "$baselines" "$RUNNER_TEMP/base"
git worktree prune
mkdir -p "$baselines"
find baselines -maxdepth 1 -name '*.json' ! -name 'wall-*' -exec cp {} "$baselines/" \;

base=""
if [[ -n "${BASE_SHA:-}" && ! "$BASE_SHA" =~ ^0+$ ]] && git cat-file -e "$BASE_SHA^{commit}" 2>/dev/null; then
    base=$(git merge-base HEAD "$BASE_SHA" || true)
fi
if [[ -z "$base" ]]; then
    base=$(git rev-parse --verify -q 'HEAD^' || true)
fi
if [[ -z "$base" ]]; then
    echo "::warning title=No wall-clock base::no base commit to compare with; wall-clock results are reported as new"
    exit 0
fi
echo "wall-clock base: $base (head $(git rev-parse HEAD))"
git worktree add --detach "$RUNNER_TEMP/base" "$base"
# Same target directory: the dependencies are built once; the two checkouts' own crates do not collide
# (cargo keys them by path), and the guard reads only results newer than each run's start.
if ! (cd "$RUNNER_TEMP/base" &&
    "$GITHUB_WORKSPACE/target/release/guard" baseline update --suite wall --profile pr \
        --baselines "$baselines" --target-dir "$GITHUB_WORKSPACE/target" \
        --thresholds "$GITHUB_WORKSPACE/thresholds.toml"); then
    echo "::warning title=No wall-clock base::the merge base's wall-clock suite did not run; wall-clock results are reported as new"
fi
