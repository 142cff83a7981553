#!/usr/bin/env bash
# Installs the gungraun-runner that the `instructions` bench needs (exactly the gungraun library's version)
# into a cache directory, unless it is already there, and prints the variable that points gungraun at it.
#
#   benches/install-runner.sh            # then: cargo bench --bench instructions
#   eval "$(benches/install-runner.sh)"  # also exports GUNGRAUN_RUNNER into this shell
#
# Environment:
#   LANES_TOOLS_DIR   cache directory (default: <repo>/target/tools, which .cargo/config.toml points to)
#   GUNGRAUN_RUNNER   a runner that is already installed: reused (linked into the cache) if its version matches
# Progress goes to stderr; stdout is only the `export` line. Exit status: 0 ready, 1 valgrind or cargo missing,
# 2 install failed.
set -euo pipefail

VERSION=0.20.0 # = the `gungraun` dev-dependency in Cargo.toml
ROOT="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="${LANES_TOOLS_DIR:-$ROOT/target/tools}"
RUNNER="$TOOLS/bin/gungraun-runner"

say() { printf 'install-runner: %s\n' "$*" >&2; }

if ! command -v valgrind >/dev/null 2>&1; then
    say "valgrind is not installed; the instruction-count suite runs under it."
    say "fix: apt-get install valgrind   (Debian/Ubuntu; dnf install valgrind on Fedora)"
    exit 1
fi

version_of() { "$1" --version 2>/dev/null | awk '{print $2}'; }

if [[ -x "$RUNNER" && "$(version_of "$RUNNER")" == "$VERSION" ]]; then
    say "gungraun-runner $VERSION already in $TOOLS/bin"
else
    mkdir -p "$TOOLS/bin"
    reused=""
    for candidate in "${GUNGRAUN_RUNNER:-}" "$(command -v gungraun-runner 2>/dev/null || true)"; do
        if [[ -n "$candidate" && -x "$candidate" && "$candidate" != "$RUNNER" \
            && "$(version_of "$candidate")" == "$VERSION" ]]; then
            ln -sf "$(cd -- "$(dirname -- "$candidate")" && pwd)/$(basename -- "$candidate")" "$RUNNER"
            say "reusing $candidate (gungraun-runner $VERSION), linked as $RUNNER"
            reused=1
            break
        fi
    done
    if [[ -z "$reused" ]]; then
        if ! command -v cargo >/dev/null 2>&1; then
            say "cargo is not on PATH; install the Rust toolchain with rustup first."
            exit 1
        fi
        say "installing gungraun-runner $VERSION into $TOOLS (cargo install, a few minutes)"
        rm -f "$RUNNER"
        if ! cargo install gungraun-runner --version "$VERSION" --locked --root "$TOOLS" >&2; then
            say "cargo install gungraun-runner --version $VERSION failed (network? disk?); see the output above."
            exit 2
        fi
    fi
fi

say "ready: $RUNNER ($(valgrind --version))"
echo "export GUNGRAUN_RUNNER=$RUNNER"
