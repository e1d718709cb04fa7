#!/usr/bin/env bash
# The project's test command: builds everything (our own targets treat warnings as errors) and runs every test,
# against both archive backends:
#   1. the whole suite on SQLite;
#   2. every test that takes a backend (the archive's contract, the PostgreSQL specifics, the crash test, database
#      totals) again on PostgreSQL, on a private throwaway server (scripts/with-postgres.sh, which installs Debian's
#      postgresql when it is missing), or on the server FISCAL_ARCHIVE_TEST_POSTGRES_URL names.
# The two runs are separate so that the wall-clock-sensitive gateway tests never share the machine with a database
# server under load. FISCAL_ARCHIVE_TEST_POSTGRES=off skips the second run (say so when you report results).
# Arguments are passed to both `swift test` runs (e.g. --filter).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
swift build --build-tests
env -u FISCAL_ARCHIVE_TEST_POSTGRES_URL swift test --skip-build "$@"
[ "${FISCAL_ARCHIVE_TEST_POSTGRES:-on}" = "off" ] && exit 0
backends='ArchiveTests\.|PostgresArchiveTests\.|CrashRestartTests|BackendTotalsTests|MigrateCommandTests'
if [ -n "${FISCAL_ARCHIVE_TEST_POSTGRES_URL:-}" ]; then
    exec swift test --skip-build --filter "$backends" "$@"
fi
exec scripts/with-postgres.sh swift test --skip-build --filter "$backends" "$@"
