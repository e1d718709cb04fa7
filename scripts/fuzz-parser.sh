#!/usr/bin/env bash
# Long fuzz run of the receipt page parser over mutated real pages (Tests/ReceiptParserTests/ParserFuzzTests.swift):
# consecutive seeds, each a separate test process under `timeout` so a hang (exit 124) or a crash (a signal) is
# caught and reported with its seed. Failing pages are saved in OUT for reproduction:
#   PARSER_FUZZ_SEED=<seed> PARSER_FUZZ_ITERATIONS=<n> swift test --skip-build --filter ParserFuzzTests
#
#   scripts/fuzz-parser.sh [CPU_SECONDS=3600] [ITERATIONS_PER_SEED=2000] [OUT=.build/fuzz]
#
# Needs `swift build --build-tests` first. Runs a copy of the test binary (so builds can go on meanwhile, and no
# SwiftPM lock is held) at the lowest priority.
set -uo pipefail
cd "$(dirname "$0")/.."
budget="${1:-3600}"
per_seed="${2:-2000}"
out="${3:-.build/fuzz}"
mkdir -p "$out"
binary="$out/fuzz-tests.xctest"
cp .build/debug/fiscal-archivePackageTests.xctest "$binary"
log="$out/fuzz.log"
seed="${PARSER_FUZZ_FIRST_SEED:-1}"
used=0
pages=0
failures=0
echo "fuzz start $(date -u +%FT%TZ) budget ${budget}s cpu, ${per_seed} pages per seed" | tee -a "$log"
while [ "$used" -lt "$budget" ]; do
  PARSER_FUZZ_SEED="$seed" PARSER_FUZZ_ITERATIONS="$per_seed" PARSER_FUZZ_OUT="$out" \
    /usr/bin/time -f "%U %S" -o "$out/time.$seed" \
    timeout 1800 nice -n 19 "$binary" --testing-library swift-testing --filter ParserFuzzTests \
    > "$out/run.$seed.log" 2>&1
  rc=$?
  # GNU time writes "Command exited with non-zero status N" above the times when the run failed: read the last line.
  cpu=$(tail -n 1 "$out/time.$seed" | awk '{printf "%d", $1+$2}')
  used=$((used + cpu))
  pages=$((pages + per_seed))
  outcomes=$(grep -o 'fuzz outcomes.*' "$out/run.$seed.log" | head -1)
  if [ "$rc" -ne 0 ]; then
    failures=$((failures + 1))
    echo "seed $seed: exit $rc (124 = hang) cpu ${cpu}s — see $out/run.$seed.log" | tee -a "$log"
  else
    rm -f "$out/run.$seed.log"
    echo "seed $seed: ok cpu ${cpu}s $outcomes" >> "$log"
  fi
  rm -f "$out/time.$seed"
  seed=$((seed + 1))
done
echo "fuzz end $(date -u +%FT%TZ): ${pages} pages, ${used}s cpu, ${failures} failing seeds" | tee -a "$log"
