#!/usr/bin/env bash
# Browser end-to-end suite: real binary, real Redis, Debian's chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f test/e2e/package.json ]; then
	echo "no browser suite at test/e2e" >&2
	exit 1
fi
[ -d test/e2e/node_modules ] || (cd test/e2e && npm ci --no-audit --no-fund --loglevel=error)
mkdir -p temp/e2e && CGO_ENABLED=0 go build -o temp/e2e/gptbot .
cd test/e2e && GPTBOT_BIN="$PWD/../../temp/e2e/gptbot" node --test --test-concurrency=1
