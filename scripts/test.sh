#!/usr/bin/env bash
# The project's test command: builds everything (our own targets treat warnings as errors) and runs every test,
# against both archive backends: SQLite, and PostgreSQL on a private throwaway server (scripts/with-postgres.sh,
# which installs Debian's postgresql when it is missing). A server named by FISCAL_ARCHIVE_TEST_POSTGRES_URL is used
# instead when set; FISCAL_ARCHIVE_TEST_POSTGRES=off runs the SQLite half only (say so when you report results).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
swift build --build-tests
if [ -n "${FISCAL_ARCHIVE_TEST_POSTGRES_URL:-}" ] || [ "${FISCAL_ARCHIVE_TEST_POSTGRES:-on}" = "off" ]; then
    exec swift test --skip-build "$@"
fi
exec scripts/with-postgres.sh swift test --skip-build "$@"
