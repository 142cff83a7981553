#!/usr/bin/env bash
# comment.yml step: checks the bench run's artifact before anything uses it. The artifact was written by the
# pull request's code, so it is untrusted: the PR number must be a plain number, the head SHA must be exactly
# the commit the triggering run measured (github.event.workflow_run.head_sha), and when GitHub lists the run's
# pull requests (same-repository PRs; the list is empty for forks) the number must be one of them. `guard comment
# --head-sha` then checks through the API that the PR's head is that commit, which covers fork PRs too.
# Writes `pr=N` to $GITHUB_OUTPUT.
#
# Environment: REPORTS (the downloaded artifact directory), RUN_HEAD_SHA, RUN_PRS (JSON list of the run's pull
# requests), GITHUB_OUTPUT.
set -euo pipefail

fail() {
    echo "::error title=Untrusted artifact rejected::$*"
    exit 1
}

for f in pr-number head-sha; do
    [[ -f "$REPORTS/$f" && ! -L "$REPORTS/$f" ]] || fail "$f is missing from the artifact"
done
pr=$(head -c 32 "$REPORTS/pr-number" | tr -d '\r\n')
sha=$(head -c 128 "$REPORTS/head-sha" | tr -d '\r\n')

[[ "$pr" =~ ^[1-9][0-9]{0,9}$ ]] || fail "the PR number in the artifact is not a number"
sha_re='^([0-9a-f]{40}|[0-9a-f]{64})$'
[[ "$RUN_HEAD_SHA" =~ $sha_re ]] || fail "the triggering run has no usable head SHA"
[[ "$sha" == "$RUN_HEAD_SHA" ]] || fail "the artifact's head SHA is not the commit the bench run measured ($RUN_HEAD_SHA)"

listed=$(jq -r '.[].number' <<<"${RUN_PRS:-[]}")
if [[ -n "$listed" ]] && ! grep -qx "$pr" <<<"$listed"; then
    fail "the artifact names PR #$pr, but the bench run belongs to PR(s) $(echo "$listed" | tr '\n' ' ')"
fi
echo "artifact verified: PR #$pr at $sha"
echo "pr=$pr" >>"$GITHUB_OUTPUT"
