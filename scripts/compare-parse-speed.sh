#!/usr/bin/env bash
# Whole-process speed of `fiscal-archive parse --json` against the Python lxml peer (Benchmarks/lxml_peer.py) on
# the same N copies of one real page, in the same run, alternating, best of R rounds each.
#
#   scripts/compare-parse-speed.sh [PAGE] [N=300] [ROUNDS=5]
#
# Needs a release build (`swift build -c release --product fiscal-archive`; FISCAL_ARCHIVE_BIN names another binary)
# and `pip install lxml`.
set -euo pipefail
cd "$(dirname "$0")/.."
page="${1:-Tests/ReceiptParserTests/Fixtures/check-LG420230644664-84229.html}"
count="${2:-300}"
rounds="${3:-5}"
binary="${FISCAL_ARCHIVE_BIN:-$(swift build -c release --product fiscal-archive --show-bin-path)/fiscal-archive}"
[ -x "$binary" ] || { echo "no release build at $binary" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for i in $(seq 1 "$count"); do cp "$page" "$work/page-$i.html"; done
bytes=$(( $(wc -c < "$page") * count ))

# The two must agree on what they read before their speed is compared.
"$binary" parse --json "$work/page-1.html" > "$work/swift.json"
python3 Benchmarks/lxml_peer.py "$work/page-1.html" > "$work/peer.json"
python3 - "$work/swift.json" "$work/peer.json" <<'PY'
import json, sys
a = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2]))
for k in ["terminalId", "receiptNumber", "issuedAt", "total", "vatTotal"]:
    assert a[k] == b[k], (k, a[k], b[k])
assert [i["lineTotal"] for i in a["items"]] == [i["lineTotal"] for i in b["items"]]
assert [i["vatAmount"] for i in a["items"]] == [i["vatAmount"] for i in b["items"]]
print("outputs agree on terminal, number, time, totals and every item's amounts")
PY

seconds() { local start end; start=$(date +%s.%N); "$@" > /dev/null; end=$(date +%s.%N); echo "$end - $start" | bc -l; }
best_swift=999; best_peer=999
for r in $(seq 1 "$rounds"); do
  s=$(seconds "$binary" parse --json "$work"/page-*.html)
  p=$(seconds python3 Benchmarks/lxml_peer.py "$work"/page-*.html)
  printf 'round %d: fiscal-archive %.3f s, lxml peer %.3f s\n' "$r" "$s" "$p"
  best_swift=$(echo "if ($s < $best_swift) $s else $best_swift" | bc -l)
  best_peer=$(echo "if ($p < $best_peer) $p else $best_peer" | bc -l)
done
printf '%d pages of %d bytes (%.1f MB)\n' "$count" "$(wc -c < "$page")" "$(echo "$bytes / 1000000" | bc -l)"
printf 'fiscal-archive parse --json: %.3f s = %.3f ms/page = %.1f MB/s\n' "$best_swift" \
  "$(echo "$best_swift * 1000 / $count" | bc -l)" "$(echo "$bytes / $best_swift / 1000000" | bc -l)"
printf 'lxml peer:                   %.3f s = %.3f ms/page = %.1f MB/s\n' "$best_peer" \
  "$(echo "$best_peer * 1000 / $count" | bc -l)" "$(echo "$bytes / $best_peer / 1000000" | bc -l)"
printf 'speed-up: %.2fx\n' "$(echo "$best_peer / $best_swift" | bc -l)"
