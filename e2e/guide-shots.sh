#!/usr/bin/env bash
# Takes the user guide's screenshots (crates/web/guide/img) from a fresh `quanke demo`: signs in
# as each role, makes the example records the guide shows, and writes small PNGs. Re-run it after
# the pages change, then rebuild: the binary embeds whatever PNGs the folder holds.
#
#   bash e2e/guide-shots.sh [PATH-TO-QUANKE-BINARY]   (default: target/debug/quanke)
#
# A page or control the guide shows that is missing fails the run with its name: fix the page or
# the guide (e2e/guide-shots.mjs and crates/web/guide/*.md), never skip it.
set -euo pipefail

# The binary embeds every screenshot: pngquant makes each a third of its size, legibly.
command -v pngquant >/dev/null || { echo "guide-shots: pngquant is required (Debian: apt-get install pngquant)" >&2; exit 2; }

source "$(dirname "${BASH_SOURCE[0]}")/demo.sh"

cd "$here"
if [[ ! -d node_modules/playwright-core ]]; then
  npm ci --no-audit --no-fund
fi
img="$root/crates/web/guide/img"
# The screenshots taken are kept even when some are missing, and the run still fails then.
status=0
QUANKE_URL="$base" CHROMIUM="$chromium" node guide-shots.mjs "$img" || status=$?
pngquant --force --skip-if-larger --strip --quality 60-85 --ext .png "$img"/*.png || [[ $? == 98 || $? == 99 ]]
echo "guide-shots: $(du -ch "$img"/*.png | tail -1 | cut -f1) after pngquant"
exit "$status"
