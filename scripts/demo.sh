#!/usr/bin/env bash
# The main job with nothing to set up: installs missing system packages, builds, and runs
# `fiscal-archive demo` against the embedded sandbox. Reports land in reports/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
echo "Building fiscal-archive (the first build compiles the dependencies: a few minutes)…" >&2
log=$(mktemp)
if ! swift build --product fiscal-archive >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    echo "demo: the build failed (full log: $log)" >&2
    exit 1
fi
rm -f "$log"
exec .build/debug/fiscal-archive demo "$@"
