#!/usr/bin/env bash
# Browser tests for Quanke: starts `quanke demo` on a free port with a fresh data dir, runs the
# node:test files in this folder against it in the system Chromium, and stops the server.
#
#   e2e/run.sh [PATH-TO-QUANKE-BINARY]     (default: target/debug/quanke under the repo root)
#
# Environment: CHROMIUM (default /usr/bin/chromium), QUANKE_E2E_KEEP=1 keeps the temp data dir.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/demo.sh"

cd "$here"
if [[ ! -d node_modules/playwright-core ]]; then
  npm ci --no-audit --no-fund
fi

# Node's test runner prints its summary (tests / pass / fail) and exits non-zero on a failure.
QUANKE_URL="$base" CHROMIUM="$chromium" node --test --test-reporter=spec ./*.test.mjs
