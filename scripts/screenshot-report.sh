#!/usr/bin/env bash
# Renders an HTML report with headless Chromium and saves a PNG screenshot, to look at the report as a reader would.
#
#   scripts/screenshot-report.sh REPORT.html OUT.png [WIDTH HEIGHT]
#
# Needs `chromium` (Debian: apt-get install -y chromium). The report is self-contained, so Chromium makes no
# network request; --no-sandbox because this usually runs as root in a container.
set -euo pipefail

if [[ $# -lt 2 ]]; then
    echo "usage: $0 REPORT.html OUT.png [WIDTH HEIGHT]" >&2
    exit 2
fi
report=$1
out=$2
width=${3:-1280}
height=${4:-2000}

if [[ ! -f "$report" ]]; then
    echo "$0: no such report: $report" >&2
    exit 1
fi
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [[ -z "$browser" ]]; then
    echo "$0: chromium is not installed (apt-get install -y chromium)" >&2
    exit 1
fi

report_abs=$(cd "$(dirname "$report")" && pwd)/$(basename "$report")
out_abs=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT

"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
    --user-data-dir="$profile" --window-size="$width,$height" \
    --screenshot="$out_abs" "file://$report_abs" >/dev/null 2>&1

if [[ ! -s "$out_abs" ]]; then
    echo "$0: chromium wrote no screenshot" >&2
    exit 1
fi
echo "$out_abs"
