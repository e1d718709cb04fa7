#!/usr/bin/env bash
# Installs the system packages fiscal-archive builds against, when they are missing.
# Safe to run repeatedly: it does nothing when everything is present.
set -euo pipefail
needed=()
for pkg in libxml2-dev libsqlite3-dev zlib1g-dev libisal-dev pkg-config; do
    dpkg -s "$pkg" >/dev/null 2>&1 || needed+=("$pkg")
done
if [ "${#needed[@]}" -gt 0 ]; then
    echo "bootstrap: installing ${needed[*]}" >&2
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${needed[@]}" >/dev/null
fi
command -v swift >/dev/null || { echo "bootstrap: swift is not on PATH (Swift 6.x is required)" >&2; exit 1; }
