#!/usr/bin/env bash
# Screenshots a guard PR comment (markdown) and SVG charts as GitHub shows them: 832 px content width,
# light and dark theme, ```mermaid blocks drawn by the mermaid package (theme default / dark), every
# <details> opened. Writes OUT/<name>-light.png and OUT/<name>-dark.png per input and prints what a reader
# would trip over (mermaid parse errors: exit 1; tables that scroll; chart text sizes after scaling).
#
#   scripts/render-report.sh [--mermaid VERSION] [--out DIR] [--no-breaks] FILE.md|FILE.svg...
#
# --mermaid   mermaid version to draw with (default 11.12.2; GitHub has shipped 10.9.x and 11.x, so check
#             both, e.g. --mermaid 10.9.3)
# --out       where the PNGs go (default target/screens)
# --no-breaks soft line breaks stay spaces (a README or docs page; comments turn them into <br>)
#
# Needs /usr/bin/chromium and fonts (installed with apt-get when missing and running as root) and node/npm. The npm
# packages (mermaid, markdown-it, github-markdown-css, playwright-core, pinned below) are installed once per
# mermaid version into target/tools/render/mermaid-VERSION/, never committed.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
mermaid=11.12.2
out=$root/target/screens
breaks=--breaks
files=()
while [ $# -gt 0 ]; do
  case $1 in
    --mermaid) mermaid=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --no-breaks) breaks=--no-breaks; shift ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    -*) echo "render-report.sh: unknown option $1" >&2; exit 2 ;;
    *) files+=("$1"); shift ;;
  esac
done
if [ ${#files[@]} -eq 0 ]; then
  echo "usage: scripts/render-report.sh [--mermaid VERSION] [--out DIR] [--no-breaks] FILE.md|FILE.svg..." >&2
  exit 2
fi
case $mermaid in
  *[!0-9.]*|'') echo "render-report.sh: --mermaid wants a version like 11.12.2, got '$mermaid'" >&2; exit 2 ;;
esac

# Debian packages: the browser, and fonts for text and for the verdict's emoji.
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
fonts=$(fc-list : family 2>/dev/null || true)
case ${fonts,,} in *"dejavu sans"*) ;; *) missing+=(fonts-dejavu-core) ;; esac
case ${fonts,,} in *"noto color emoji"*) ;; *) missing+=(fonts-noto-color-emoji) ;; esac
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "render-report.sh: missing ${missing[*]}: sudo apt-get install -y ${missing[*]}" >&2
    exit 2
  fi
  echo "render-report.sh: installing ${missing[*]} (apt-get)" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
command -v npm >/dev/null || { echo "render-report.sh: npm is missing (apt-get install -y npm)" >&2; exit 2; }

cache=$root/target/tools/render/mermaid-$mermaid
if [ ! -f "$cache/.installed" ]; then
  echo "render-report.sh: installing mermaid $mermaid and the markdown renderer into $cache" >&2
  mkdir -p "$cache"
  cat >"$cache/package.json" <<EOF
{
  "name": "guard-render-report",
  "private": true,
  "dependencies": {
    "mermaid": "$mermaid",
    "markdown-it": "15.0.3",
    "github-markdown-css": "5.9.0",
    "playwright-core": "1.65.2"
  }
}
EOF
  (cd "$cache" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
  touch "$cache/.installed"
fi

exec node "$root/scripts/render/render.mjs" --modules "$cache/node_modules" --out "$out" "$breaks" "${files[@]}"
