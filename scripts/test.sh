#!/usr/bin/env bash
# The project's test command: builds everything (our own targets treat warnings as errors) and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
swift build --build-tests
swift test --skip-build "$@"
