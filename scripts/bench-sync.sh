#!/usr/bin/env bash
# Measures the sync as whole processes on both backends (issue 11 item 9, issue 17 item 3), with
# Benchmarks/Tools' SyncBench driving the release `fiscal-archive` executable as child processes:
#   scripts/bench-sync.sh [STEP...]      steps: ingest sqlite postgres workers cpu cpu-postgres (default: the first four)
# - ingest:   parse + hash + compress + commit of sandbox pages by 16 workers as `sync --concurrency 16` runs
#             them, no latency (trips that finish together share a commit): pages/s and pages per CPU second;
# - sqlite:   `sync --concurrency C`, C = 16, 32, 64, L = 50 ms on payment_info, get_fiscal_cheque and the receipt
#             site, 40·C transactions, fresh SQLite file per run, 3 runs: tx/s and % of C/(3L);
# - postgres: the same on a fresh PostgreSQL database per run (a private server from scripts/with-postgres.sh);
# - workers:  1, 2 and 4 processes of `sync --concurrency C` at once on one PostgreSQL database (C =
#             WORKER_CONCURRENCY, default 16; a small C keeps the bound C·W/(3L) under what the machine can run, so
#             that the scaling of the workers themselves shows);
# - cpu:      CPU per transaction of a 2,000-transaction sync into SQLite archives already holding
#             2,000 / 20,000 / 200,000 (no latency); cpu-postgres: the same on fresh PostgreSQL databases.
# Environment: TOOL (default: the release build of the repository root, else the one Benchmarks/Tools' build made),
# RUNS (default 3), PER_SLOT (transactions per unit of concurrency, default 40), CPU_SEEDS (default
# 2000,20000,200000), WORKER_CONCURRENCY (default 16). The machine's load is printed with every run: the numbers are only as quiet as the machine.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BENCH="$ROOT/Benchmarks/Tools"
RUNS="${RUNS:-3}"
PER_SLOT="${PER_SLOT:-40}"
CPU_SEEDS="${CPU_SEEDS:-2000,20000,200000}"
WORKER_CONCURRENCY="${WORKER_CONCURRENCY:-16}"
STEPS=("$@")
[ "${#STEPS[@]}" -gt 0 ] || STEPS=(ingest sqlite postgres workers)

(cd "$BENCH" && swift build -c release --product SyncBench >&2)
BIN="$BENCH/.build/release/SyncBench"
if [ -z "${TOOL:-}" ]; then
    if [ -x "$ROOT/.build/release/fiscal-archive" ]; then
        TOOL="$ROOT/.build/release/fiscal-archive"
    else
        # The same sources, built as a product of the Tools package's dependency (one release build of everything).
        (cd "$BENCH" && swift build -c release --product fiscal-archive >&2)
        TOOL="$BENCH/.build/release/fiscal-archive"
    fi
fi
echo "bench-sync: tool $TOOL; $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"

for step in "${STEPS[@]}"; do
    case "$step" in
        ingest) "$BIN" ingest 2000 ;;
        sqlite) "$BIN" process "$TOOL" sqlite 16,32,64 "$PER_SLOT" "$RUNS" ;;
        postgres)
            "$ROOT/scripts/with-postgres.sh" bash -c \
                '"$0" process "$1" "$FISCAL_ARCHIVE_TEST_POSTGRES_URL" 16,32,64 "$2" "$3"' \
                "$BIN" "$TOOL" "$PER_SLOT" "$RUNS" ;;
        workers)
            "$ROOT/scripts/with-postgres.sh" bash -c \
                '"$0" workers "$1" "$FISCAL_ARCHIVE_TEST_POSTGRES_URL" 1,2,4 "$2" "$3" "$4"' \
                "$BIN" "$TOOL" "$PER_SLOT" "$RUNS" "$WORKER_CONCURRENCY" ;;
        cpu) "$BIN" cpu "$TOOL" 2000 "$CPU_SEEDS" ;;
        cpu-postgres)
            "$ROOT/scripts/with-postgres.sh" bash -c \
                '"$0" cpu "$1" 2000 "$2" "$FISCAL_ARCHIVE_TEST_POSTGRES_URL"' "$BIN" "$TOOL" "$CPU_SEEDS" ;;
        *) echo "bench-sync: unknown step $step (ingest, sqlite, postgres, workers, cpu, cpu-postgres)" >&2; exit 2 ;;
    esac
done
