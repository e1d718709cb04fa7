#!/usr/bin/env bash
# End-to-end report benchmark from a real archive: seeds (or reuses) an archive holding one month of N events
# through the archive's bulk import (ArchiveSeed, in Benchmarks/Tools), then times `fiscal-archive report --format csv|html|xlsx`
# as whole processes with /usr/bin/time -v (wall seconds, peak RSS), and renders the largest HTML in headless
# Chromium. Release builds.
#
#   scripts/bench-reports.sh [--events "100000 1000000"] [--dir DIR] [--month YYYY-MM] [--no-build] [--no-browser]
#                            [--report-run] [--postgres URL]
#
# --postgres URL also times every format from a PostgreSQL copy of each archive. URL names a server reachable with
# psql (any database on it: the one `scripts/with-postgres.sh CMD` exports as FISCAL_ARCHIVE_TEST_POSTGRES_URL will
# do); the copy of archive-<N> is database fa_bench_<N>, created and filled by `fiscal-archive migrate --to`
# (~10 minutes at a million events) unless it already holds the same seed. Lines then read `N/postgres`.
#
# --report-run times Benchmarks/Tools' `ReportRun` (the body of `report`: open, snapshot, write one format)
# instead of the release executable, when a release build of the whole executable is out of reach.
#
# The executable is the release build of Benchmarks/Tools (one release build for the tool and the seeder), or TOOL.
#
# Archives are kept in DIR (default /tmp/fiscal-archive-bench) as archive-<N>.sqlite and reused while their
# `seeded` mark matches; delete them to seed again. Prints one line per (N, format):
#   N  format  seconds  machine-CPU-seconds  peak-RSS-MB  file-MB  seconds/floor
# (machine CPU: every process's, from /proc/stat, so on PostgreSQL the server's work is in it; peak RSS is the tool's
# alone)
# The floor is measured in the same run, right before each archive's three reports: the seconds the database's own
# client (sqlite3, psql) takes to join the month's events with their transactions and sum them — the least any
# register of the month reads (the median of three runs). Shared machines change speed by a quarter within minutes,
# and a report's random look-ups feel it more than a compressor's loop (`gzip -1` kept its speed while the reports
# slowed): compare runs by the ratio as well as by the seconds. Below a million events the floor is a few hundredths
# of a second, under the timer's resolution: its ratio means little there.
set -euo pipefail

events="100000 1000000"
dir=/tmp/fiscal-archive-bench
month=2026-10
build=1
browser_check=1
report_run=0
postgres=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --events) events=$2; shift 2 ;;
        --dir) dir=$2; shift 2 ;;
        --month) month=$2; shift 2 ;;
        --no-build) build=0; shift ;;
        --no-browser) browser_check=0; shift ;;
        --report-run) report_run=1; shift ;;
        --postgres) postgres=$2; shift 2 ;;
        *) echo "$0: unknown argument $1" >&2; exit 2 ;;
    esac
done

root=$(cd "$(dirname "$0")/.." && pwd)
bench="$root/Benchmarks/Tools"
mkdir -p "$dir"
if [[ $build -eq 1 ]]; then
    (cd "$bench" && swift build -c release --product ArchiveSeed >&2 && swift build -c release --product ReportRun >&2)
    if [[ -z "${TOOL:-}" ]] && { [[ $report_run -eq 0 ]] || [[ -n "$postgres" ]]; }; then
        (cd "$bench" && swift build -c release --product fiscal-archive >&2)
    fi
fi
tool="${TOOL:-$bench/.build/release/fiscal-archive}"
seed="$bench/.build/release/ArchiveSeed"
runner="$bench/.build/release/ReportRun"
if [[ $report_run -eq 1 ]]; then tool=$runner; fi
if [[ $report_run -eq 1 ]] && [[ -n "$postgres" ]]; then
    echo "$0: --report-run reads SQLite archives only; time PostgreSQL with the release executable" >&2
    exit 2
fi
[[ -x "$tool" ]] || { echo "$0: $tool is not built" >&2; exit 1; }
[[ -x "$seed" ]] || { echo "$0: $seed is not built" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "$0: needs the sqlite3 shell (apt-get install -y sqlite3)" >&2; exit 1; }
echo "timing $tool" >&2

# The machine's busy CPU time so far, in clock ticks (every process: the tool and a database server beside it).
busy_ticks() {
    awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat
}

# Runs a command under /usr/bin/time -v; prints "<seconds> <peak RSS MB> <machine CPU seconds>".
measure() {
    local log before after
    log=$(mktemp)
    before=$(busy_ticks)
    if ! /usr/bin/time -v "$@" >/dev/null 2>"$log"; then
        echo "$0: failed: $*" >&2
        cat "$log" >&2
        rm -f "$log"
        exit 1
    fi
    after=$(busy_ticks)
    awk -F': ' -v cpu="$(( after - before ))" -v hz="$(getconf CLK_TCK)" '
        /Elapsed \(wall clock\)/ {
            n = split($2, p, ":"); s = 0
            for (i = 1; i <= n; i++) s = s * 60 + p[i]
            wall = s
        }
        /Maximum resident set size/ { rss = $2 / 1024 }
        END { printf "%.2f %.0f %.1f\n", wall, rss, cpu / hz }' "$log"
    rm -f "$log"
}

# The floor: the month's events joined with their transactions, summed, by the database's own client.
month_start=$(date -d "$month-01 00:00 +0500" +%s)
month_end=$(date -d "$month-01 00:00 +0500 + 1 month" +%s)
floor_sql="SELECT COUNT(*), SUM(t.amount) FROM events e JOIN transactions t ON t.id = e.transaction_id
    WHERE e.occurred_at >= $month_start AND e.occurred_at < $month_end"
floor() {
    local runs=()
    for _ in 1 2 3; do
        if [[ "$1" == postgres* ]]; then
            runs+=("$(measure psql "$1" -Atc "$floor_sql" | cut -d' ' -f1)")
        else
            runs+=("$(measure sqlite3 -readonly "$1" "$floor_sql" | cut -d' ' -f1)")
        fi
    done
    printf '%s\n' "${runs[@]}" | sort -n | sed -n 2p
}

results=()
for n in $events; do
    archive="$dir/archive-$n.sqlite"
    mark="$month $n events seed 16"
    if [[ -f "$archive" ]] && [[ "$(sqlite3 "$archive" "SELECT value FROM meta WHERE key = 'seeded'" 2>/dev/null)" == "$mark" ]]; then
        echo "reusing $archive ($mark)" >&2
    else
        rm -f "$archive" "$archive-wal" "$archive-shm"
        read -r secs rss _ < <(measure "$seed" --archive "$archive" --month "$month" --events "$n")
        echo "seeded $archive: $n events in ${secs} s (peak RSS ${rss} MB), $(du -m "$archive" | cut -f1) MB" >&2
    fi
    sources=("$archive")
    if [[ -n "$postgres" ]]; then
        # The copy's URL: the server's, with database fa_bench_<N> (query parameters kept).
        base=${postgres%%\?*}
        query=""
        [[ "$postgres" == *\?* ]] && query="?${postgres#*\?}"
        copy="${base%/*}/fa_bench_$n$query"
        if [[ "$(psql "$copy" -Atc "SELECT value FROM meta WHERE key = 'seeded'" 2>/dev/null)" == "$mark" ]]; then
            echo "reusing PostgreSQL database fa_bench_$n ($mark)" >&2
        else
            psql "$postgres" -qc "DROP DATABASE IF EXISTS fa_bench_$n" >&2
            psql "$postgres" -qc "CREATE DATABASE fa_bench_$n" >&2
            read -r secs rss _ < <(measure env FISCAL_ARCHIVE_DB="$archive" "${TOOL:-$bench/.build/release/fiscal-archive}" migrate --to "$copy")
            echo "copied $archive into PostgreSQL database fa_bench_$n in ${secs} s (peak RSS ${rss} MB)" >&2
        fi
        sources+=("$copy")
    fi
    for source in "${sources[@]}"; do
        label=$n
        [[ "$source" == "$archive" ]] || label="$n/postgres"
        ref=$(floor "$source")
        echo "floor: the month's events joined with their transactions by the database's own client in $ref s" >&2
        for format in csv html xlsx; do
            out="$dir/report-$n.$format"
            [[ "$source" == "$archive" ]] || out="$dir/report-$n-postgres.$format"
            rm -f "$out" "$out.sha256"
            if [[ $report_run -eq 1 ]]; then
                read -r secs rss cpu < <(measure "$tool" "$source" "$month" "$format" "$out")
            else
                read -r secs rss cpu < <(measure env FISCAL_ARCHIVE_DB="$source" "$tool" report --month "$month" --format "$format" --out "$out")
            fi
            size=$(awk -v b="$(stat -c %s "$out")" 'BEGIN { printf "%.1f", b / 1048576 }')
            ratio=$(awk -v s="$secs" -v r="$ref" 'BEGIN { if (r > 0) printf "%.1f", s / r; else printf "-" }')
            line=$(printf "%17s  %-4s  %7s s  %6s s CPU  %6s MB RSS  %8s MB  %5s× floor (%s s)" "$label" "$format" \
                "$secs" "$cpu" "$rss" "$size" "$ratio" "$ref")
            echo "$line" >&2
            results+=("$line")
        done
    done
    if [[ -n "$postgres" ]]; then
        # Both backends must give the same register to the byte.
        if cmp -s "$dir/report-$n.csv" "$dir/report-$n-postgres.csv"; then
            echo "$n: the CSV from PostgreSQL is byte-identical to SQLite's" >&2
        else
            echo "$0: $n: the CSV from PostgreSQL differs from SQLite's" >&2
            exit 1
        fi
    fi
done

echo
echo "                N  fmt    seconds  machine CPU     peak RSS      file   seconds / floor"
printf '%s\n' "${results[@]}"

if [[ $browser_check -eq 1 ]]; then
    largest=$(printf '%s\n' $events | sort -n | tail -1)
    html="$dir/report-$largest.html"
    chrome=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
    if [[ -z "$chrome" ]]; then
        echo "chromium is not installed (apt-get install -y chromium): the HTML render was not timed" >&2
        exit 0
    fi
    profile=$(mktemp -d)
    trap 'rm -rf "$profile"' EXIT
    # A page that loads the report in a frame and writes how long the frame took to load (parse, style, scripts).
    probe="$dir/probe-$largest.html"
    cat >"$probe" <<EOF
<!doctype html><meta charset="utf-8"><pre id="t">not loaded</pre>
<script>const t0 = performance.now();</script>
<iframe src="report-$largest.html" width="1280" height="2000"
  onload="document.getElementById('t').textContent = 'report loaded in ' + Math.round(performance.now() - t0) + ' ms'"></iframe>
EOF
    loaded=$("$chrome" --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir="$profile" \
        --allow-file-access-from-files --dump-dom "file://$probe" 2>/dev/null \
        | grep -o 'report loaded in [0-9]* ms' || echo "report did not load")
    rm -f "$probe"
    # Whole-process time of a screenshot (start, load, layout, paint), against a blank page for the start-up cost.
    blank="$dir/blank.html"
    echo '<!doctype html><title>blank</title>' >"$blank"
    read -r blank_secs _ < <(measure "$chrome" --headless --no-sandbox --disable-gpu --no-first-run \
        --user-data-dir="$profile" --window-size=1280,2000 --screenshot="$dir/blank.png" "file://$blank")
    read -r shot_secs shot_rss _ < <(measure "$chrome" --headless --no-sandbox --disable-gpu --no-first-run \
        --user-data-dir="$profile" --window-size=1280,2000 --screenshot="$dir/report-$largest.png" "file://$html")
    echo
    echo "chromium: $(basename "$html") ($(du -h "$html" | cut -f1)): $loaded (frame load, measured in the page);"
    echo "  screenshot process ${shot_secs} s vs ${blank_secs} s for a blank page (peak RSS ${shot_rss} MB)"
fi
