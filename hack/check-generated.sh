#!/usr/bin/env bash
# Regenerates dao/do/entity, controllers and service interfaces into a copy of
# the tree and fails when they differ from the committed ones: generated code
# is never edited by hand, and never left stale.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$tmp"
(cd "$tmp" && make --no-print-directory gen >/dev/null 2>"$tmp/gen.log") || { cat "$tmp/gen.log"; exit 1; }
rm -rf "$tmp/temp" "$tmp/gen.log"
if ! diff -r -x temp -x bin -x data -x node_modules . "$tmp" >"$tmp.diff" 2>&1; then
	# Only files that exist here are compared both ways: a missing generated
	# file shows up as "Only in $tmp".
	grep -v '^Only in \./' "$tmp.diff" | grep -v "^Only in \.:" >"$tmp.diff2" || true
	if [ -s "$tmp.diff2" ]; then
		echo "generated code is stale; run 'make gen' and commit:"
		cat "$tmp.diff2"
		rm -f "$tmp.diff" "$tmp.diff2"
		exit 1
	fi
fi
rm -f "$tmp.diff" "$tmp.diff2"
echo "generated code is up to date"
