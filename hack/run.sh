#!/usr/bin/env bash
# make run: everything a fresh Debian/Ubuntu machine with Go needs to try
# gptbot at http://127.0.0.1:8000.
set -euo pipefail
cd "$(dirname "$0")/.."

REDIS_PORT=6379 # redis.default.address in manifest/config/config.yaml
DEVLLM_ADDR=127.0.0.1:8081 # openai.devModelURL in manifest/config/config.yaml
mkdir -p temp/redis data

# 1. Redis: install Debian's package when missing (as root), then make sure
#    one answers on the port, starting a project-local one under temp/.
if ! command -v redis-server >/dev/null; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		echo "==> installing redis-server (Debian package)"
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
	else
		echo "redis-server is missing: run 'sudo apt-get install -y redis-server' and retry" >&2
		exit 1
	fi
fi
if ! redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
	echo "==> starting redis-server on 127.0.0.1:$REDIS_PORT (data in temp/redis)"
	redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$PWD/temp/redis" \
		--daemonize yes --pidfile "$PWD/temp/redis/redis.pid" --logfile "$PWD/temp/redis/redis.log" \
		--save 60 1 --appendonly no
	for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
fi

# 2. Build (the database is created and migrated when the server starts).
echo "==> building bin/gptbot"
CGO_ENABLED=0 go build -trimpath -o bin/gptbot .

export GF_GCFG_FILE="${GF_GCFG_FILE:-$PWD/manifest/config/config.yaml}"

# 3. No API key: serve the built-in offline dev model and point the app at it.
if [ -z "${OPENAI_API_KEY:-}" ]; then
	echo "==> OPENAI_API_KEY is not set: starting the offline dev model on $DEVLLM_ADDR"
	./bin/gptbot devllm --address "$DEVLLM_ADDR" &
	DEVLLM_PID=$!
	trap 'kill $DEVLLM_PID 2>/dev/null || true' EXIT
fi

echo "==> serving http://127.0.0.1:8000 (Ctrl-C stops)"
./bin/gptbot
