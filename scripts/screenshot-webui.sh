#!/usr/bin/env bash
# Takes headless Chromium screenshots of the web UI's main pages, so the UI is seen as a person sees it.
#
#   scripts/screenshot-webui.sh BASE_URL [OUT_DIR] [TRANSACTION_ID] [SEARCH]
#
# Starts nothing itself: point it at a running `fiscal-archive serve`, or at the test fixture server:
#   WEBUI_SERVE_SECONDS=120 WEBUI_PORT=8099 swift test --skip-build --filter serveForScreenshots &
#   scripts/screenshot-webui.sh http://127.0.0.1:8099 /tmp/webui-shots 11424156 088681055845
# Chromium's command line cannot send the access token: against a server with a token every shot shows the
# sign-in page. Use a token-less loopback server for screenshots.
set -euo pipefail

base="${1:?usage: $0 BASE_URL [OUT_DIR] [TRANSACTION_ID] [SEARCH]}"
base="${base%/}"
out="${2:-screenshots}"
id="${3:-11424156}"
search="${4:-$id}"

browser=""
for candidate in chromium chromium-browser google-chrome; do
    if command -v "$candidate" >/dev/null 2>&1; then browser="$candidate"; break; fi
done
if [ -z "$browser" ]; then
    echo "Chromium is missing; installing it (apt-get install -y chromium)" >&2
    if [ "$(id -u)" -eq 0 ]; then apt-get install -y chromium >&2; else sudo apt-get install -y chromium >&2; fi
    browser=chromium
fi

mkdir -p "$out"
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT

shoot() {
    local name="$1" url="$2"
    "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$profile" \
        --window-size=1280,1600 --screenshot="$out/$name.png" "$url" >/dev/null 2>&1
    echo "$out/$name.png  ←  $url"
}

shoot home "$base/"
shoot search "$base/search?q=$search"
shoot receipt "$base/receipts/$id"
shoot original "$base/receipts/$id/original"
shoot months "$base/months"
shoot status "$base/status"
