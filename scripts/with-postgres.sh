#!/usr/bin/env bash
# Runs a command with a private, throwaway PostgreSQL 15 cluster, e.g.
#   scripts/with-postgres.sh swift test --skip-build --filter PostgresArchiveTests
#
# It installs Debian's `postgresql` when the server binaries are missing, creates a cluster in a new temporary
# folder owned by the `postgres` user (the server refuses to run as root), listens on 127.0.0.1 on a free port
# only (no unix socket in a shared folder), creates a superuser role with a random password, exports
#   FISCAL_ARCHIVE_TEST_POSTGRES_URL=postgres://fiscal:PASSWORD@127.0.0.1:PORT/postgres?sslmode=disable
# runs the command, and always stops the server and removes the folder, whatever the command did. The command's
# exit code is the script's. Safe to run repeatedly and concurrently (every run has its own folder and port).
# Nothing is synced to disk (`fsync=off`), but commits are synchronous, as on a default server: with
# `synchronous_commit=off` a row's "committed" hint bit may not be set until the walwriter has flushed the WAL of
# its commit, so a VACUUM right after a large write (`migrate --to`) left pages out of the visibility map and
# index-only scans visited the heap — a server unlike the ones the archive runs on.
set -euo pipefail

if [ "$#" -eq 0 ]; then
    echo "usage: $0 COMMAND [ARGUMENTS...]" >&2
    exit 2
fi

PG_VERSION="${PG_VERSION:-15}"
BIN="/usr/lib/postgresql/${PG_VERSION}/bin"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

if [ ! -x "$BIN/initdb" ] || [ ! -x "$BIN/pg_ctl" ]; then
    echo "with-postgres: installing Debian's postgresql (server binaries missing in $BIN)" >&2
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
fi
if [ ! -x "$BIN/initdb" ]; then
    echo "with-postgres: PostgreSQL $PG_VERSION is not installed in $BIN (set PG_VERSION?)" >&2
    exit 1
fi

# The server runs as `postgres` when we are root; as ourselves otherwise.
if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
    AS_PG=(runuser -u postgres --)
else
    AS_PG=()
fi

DIR="$(mktemp -d "${TMPDIR:-/tmp}/fiscal-archive-pg.XXXXXX")"
chmod 700 "$DIR"
[ "$(id -u)" -eq 0 ] && chown postgres "$DIR"
DATA="$DIR/data"
LOG="$DIR/server.log"
STARTED=""

# Server commands run from the cluster's folder (the `postgres` user may not enter the caller's).
as_pg() { (cd "$DIR" && "${AS_PG[@]}" "$@"); }

cleanup() {
    if [ -n "$STARTED" ]; then
        as_pg "$BIN/pg_ctl" -D "$DATA" -m immediate -w stop >/dev/null 2>&1 || true
        # The last backends may still be exiting: wait for the postmaster's pid file to go.
        for _ in $(seq 1 50); do [ -e "$DATA/postmaster.pid" ] || break; sleep 0.1; done
    fi
    # A cluster that held many test databases has many files; retry if something was still writing.
    for _ in 1 2 3; do rm -rf "$DIR" 2>/dev/null && break; sleep 1; done
    [ ! -e "$DIR" ] || echo "with-postgres: could not remove $DIR" >&2
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A free loopback port: ask the kernel for one (a tiny race with other programs is possible; the start below
# retries on another port when the server cannot bind).
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

PASSWORD="$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')"
PWFILE="$DIR/pwfile"
printf '%s\n' "$PASSWORD" > "$PWFILE"
[ "$(id -u)" -eq 0 ] && chown postgres "$PWFILE"
as_pg "$BIN/initdb" -D "$DATA" -E UTF8 --locale=C.UTF-8 -U fiscal --pwfile="$PWFILE" \
    --auth-host=scram-sha-256 --auth-local=reject >"$DIR/initdb.log" 2>&1 \
    || { cat "$DIR/initdb.log" >&2; exit 1; }
rm -f "$PWFILE"

PORT=""
for attempt in 1 2 3 4 5; do
    candidate="$(free_port)"
    if as_pg "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $candidate -c unix_socket_directories='' -c fsync=off \
            -c full_page_writes=off -c max_connections=200" start >/dev/null 2>&1
    then
        PORT="$candidate"
        STARTED=1
        break
    fi
done
if [ -z "$PORT" ]; then
    echo "with-postgres: the server did not start; its log:" >&2
    cat "$LOG" >&2 || true
    exit 1
fi

export FISCAL_ARCHIVE_TEST_POSTGRES_URL="postgres://fiscal:${PASSWORD}@127.0.0.1:${PORT}/postgres?sslmode=disable"
echo "with-postgres: PostgreSQL $PG_VERSION on 127.0.0.1:$PORT (cluster $DIR)" >&2
set +e
"$@"
status=$?
set -e
exit "$status"
