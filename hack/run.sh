#!/usr/bin/env bash
# make run: everything a fresh Debian/Ubuntu machine with Go needs to try
# gptbot at http://127.0.0.1:8000.
set -euo pipefail
cd "$(dirname "$0")/.."

export GF_GCFG_FILE="${GF_GCFG_FILE:-$PWD/manifest/config/config.yaml}"
DEVLLM_ADDR=127.0.0.1:8081 # openai.devModelURL in manifest/config/config.yaml

# The Redis address is the one the server will use: redis.default.address.
REDIS_ADDR=$(awk '
	/^redis:/ { in_redis = 1; next }
	in_redis && /^[^ #]/ { in_redis = 0 }
	in_redis && $1 == "address:" { gsub(/["'\'']/, "", $2); print $2; exit }
' "$GF_GCFG_FILE")
REDIS_ADDR=${REDIS_ADDR:-127.0.0.1:6379}
REDIS_HOST=${REDIS_ADDR%:*}
REDIS_PORT=${REDIS_ADDR##*:}
REDIS_DIR="${GPTBOT_REDIS_DIR:-$PWD/temp/redis}" # tests point it elsewhere
mkdir -p "$REDIS_DIR" data

started_redis=""
devllm_pid=""
cleanup() {
	[ -n "$devllm_pid" ] && kill "$devllm_pid" 2>/dev/null || true
	if [ -n "$started_redis" ]; then
		echo "==> stopping the redis-server make run started (data kept in $REDIS_DIR)"
		redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" shutdown >/dev/null 2>&1 ||
			kill "$(cat "$REDIS_DIR/redis.pid" 2>/dev/null)" 2>/dev/null || true
	fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# 1. Redis: install Debian's package when missing (as root), then make sure
#    one answers on the configured address, starting a project-local one
#    under temp/ that is stopped again when make run ends.
if ! command -v redis-server >/dev/null; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		echo "==> installing redis-server (Debian package)"
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
	else
		echo "redis-server is missing: run 'sudo apt-get install -y redis-server' and retry" >&2
		exit 1
	fi
fi
rcli() { redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" "$@"; }
if rcli ping >/dev/null 2>&1; then
	# Something else answers: use it only if it accepts writes (sessions and
	# rate limits are writes). A Redis whose last save failed refuses them.
	probe=$(rcli set gptbot:make-run:probe 1 EX 10 2>&1 || true)
	if [ "$probe" != "OK" ]; then
		cat >&2 <<MSG
The Redis already running on $REDIS_ADDR refuses writes:
  $probe
gptbot cannot keep sessions there. Either stop it and run 'make run' again
(make run then starts its own under temp/redis):
  redis-cli -h $REDIS_HOST -p $REDIS_PORT shutdown nosave
or fix that server (for a failed save: check its data directory, 'CONFIG GET dir',
and its log), or point redis.default.address in $GF_GCFG_FILE at another Redis.
MSG
		exit 1
	fi
	echo "==> using the Redis already running on $REDIS_ADDR"
else
	echo "==> starting redis-server on $REDIS_ADDR (data in $REDIS_DIR)"
	redis-server --port "$REDIS_PORT" --bind "$REDIS_HOST" --dir "$REDIS_DIR" \
		--daemonize yes --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log" \
		--save 60 1 --appendonly no
	started_redis=1
	for _ in $(seq 50); do rcli ping >/dev/null 2>&1 && break; sleep 0.1; done
fi

# 2. Build (the database is created and migrated when the server starts).
echo "==> building bin/gptbot"
CGO_ENABLED=0 go build -trimpath -o bin/gptbot .

# 3. No API key: serve the built-in offline dev model and point the app at it.
if [ -z "${OPENAI_API_KEY:-}" ]; then
	echo "==> OPENAI_API_KEY is not set: starting the offline dev model on $DEVLLM_ADDR"
	./bin/gptbot devllm --address "$DEVLLM_ADDR" &
	devllm_pid=$!
fi

echo "==> serving http://127.0.0.1:8000 (Ctrl-C stops)"
# Not exec: the EXIT trap must run after the server stops.
./bin/gptbot
