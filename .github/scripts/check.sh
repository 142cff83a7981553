#!/usr/bin/env bash
# bench.yml step: `guard check` for one suite, then the job summary (the same markdown the PR comment shows),
# ::error / ::warning annotations for regressions, and the artifact directory guard-report/ with the JSON report,
# the PR number, the head SHA and the SVG charts (plots-SUITE/, `guard check --plot`). Always exits 0: the
# check's exit status goes to $GITHUB_OUTPUT as `status`, and the workflow's last step fails the job with it,
# after the artifact is uploaded.
#
#   .github/scripts/check.sh SUITE [more `guard check` arguments…]
#
# Environment: HEAD_SHA (the measured commit), PR_NUMBER (empty outside pull requests), GITHUB_OUTPUT,
# GITHUB_STEP_SUMMARY (both set by GitHub Actions).
set -uo pipefail

suite=$1
shift
out=guard-report
mkdir -p "$out"
report="$out/report-$suite.json"
rm -f "$report"

status=0
cargo run --release --locked --bin guard -- check --suite "$suite" --profile pr \
    --format json --output "$report" --plot "$out/plots-$suite" "$@" || status=$?

printf '%s\n' "${PR_NUMBER:-}" >"$out/pr-number"
printf '%s\n' "$HEAD_SHA" >"$out/head-sha"
echo "status=$status" >>"$GITHUB_OUTPUT"

if [[ ! -f "$report" ]]; then
    echo "::error title=guard check failed::guard check --suite $suite gave no verdict (exit $status); see the log above"
    exit 0
fi
target/release/guard comment --dry-run --report "$report" >>"$GITHUB_STEP_SUMMARY"
# Workflow-command values escape %, CR and LF (benchmark ids are data, never commands).
jq -r '
  def esc: gsub("%"; "%25") | gsub("\r"; "%0D") | gsub("\n"; "%0A");
  def num: if . == null then "-" else (. * 100 | round / 100 | tostring) end;
  .entries[]
  | select(.status == "regression")
  | "::\(if .gate then "error" else "warning" end) title=Performance regression::\(.suite) \(.id | esc): \(.metric) \(.baseline | num) -> \(.current | num) (\(.change_pct | num) %, limit \(.threshold | num) %)"
' "$report"
exit 0
