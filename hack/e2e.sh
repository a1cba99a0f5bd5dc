#!/usr/bin/env bash
# Browser end-to-end suite: real binary, real Redis, Debian's chromium.
# Screenshots of failing tests land in temp/e2e/.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f test/e2e/package.json ]; then
	echo "no browser suite at test/e2e" >&2
	exit 1
fi
# Fail loudly, never skip: the suite is worthless without its dependencies.
command -v node >/dev/null || { echo "node is missing (apt-get install -y nodejs npm)" >&2; exit 1; }
command -v redis-server >/dev/null || { echo "redis-server is missing (apt-get install -y redis-server)" >&2; exit 1; }
[ -x "${GPTBOT_CHROMIUM:-/usr/bin/chromium}" ] || { echo "chromium is missing (apt-get install -y chromium)" >&2; exit 1; }
# playwright-core only drives a browser; it never downloads one.
[ -d test/e2e/node_modules/playwright-core ] || (cd test/e2e && npm ci --no-audit --no-fund --loglevel=error)
mkdir -p temp/e2e && rm -f temp/e2e/*.png
CGO_ENABLED=0 go build -o temp/e2e/gptbot .
cd test/e2e && GPTBOT_BIN="$PWD/../../temp/e2e/gptbot" node --test --test-concurrency=1 --test-timeout=120000
