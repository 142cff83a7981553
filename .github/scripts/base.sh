#!/usr/bin/env bash
# bench.yml step: the commit `guard check --base` measures next to the head, exported as GUARD_BASE. On a pull
# request it is the merge base of the PR head and the base branch's tip (what the PR changes, nothing that landed
# on the base branch since); on a push the previous tip of the branch; otherwise (or when that commit is missing)
# the head's parent. guard checks it out into a worktree under target/guard/base and measures it in the same job,
# on the same runner, with the same toolchain and valgrind as the head.
#
# Environment: BASE_SHA (the PR's base commit, or the push's `before`; may be empty or all zeros), GITHUB_ENV.
# Needs a full clone (fetch-depth: 0).
set -euo pipefail

head=$(git rev-parse HEAD)
base=""
if [[ -n "${BASE_SHA:-}" && ! "$BASE_SHA" =~ ^0+$ ]] && git cat-file -e "$BASE_SHA^{commit}" 2>/dev/null; then
    base=$(git merge-base HEAD "$BASE_SHA" || true)
fi
if [[ -z "$base" || "$base" == "$head" ]]; then
    base=$(git rev-parse --verify -q 'HEAD^' || true)
fi
if [[ -z "$base" ]]; then
    echo "::error title=No base commit::HEAD ($head) has no parent and no base was given: nothing to compare with"
    exit 1
fi
echo "base: $base (head $head)"
echo "GUARD_BASE=$base" >>"$GITHUB_ENV"
