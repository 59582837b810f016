#!/usr/bin/env bash
# A throwaway Redis on loopback, run by pid file.
#   scripts/redis.sh start   prints REDIS_URL=... on success
#   scripts/redis.sh stop | status | url
# Settings: REDIS_PORT (default 63799), REDIS_DIR (default .services/redis-PORT), REDIS_PERSIST=1 to keep the data
# (an append-only file in REDIS_DIR) across a restart: for a broker, whose queued messages are the jobs not yet run.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PORT=${REDIS_PORT:-63799}
DIR=${REDIS_DIR:-$ROOT/.services/redis-$PORT}
PIDFILE=$DIR/redis.pid

url() { echo "redis://127.0.0.1:$PORT/0"; }
alive() { command -v redis-cli >/dev/null 2>&1 && redis-cli -h 127.0.0.1 -p "$PORT" ping 2>/dev/null | grep -q PONG; }

start() {
  if ! command -v redis-server >/dev/null 2>&1; then
    echo "redis.sh: redis-server not found; install the redis-server package" >&2
    return 1
  fi
  mkdir -p "$DIR"
  if alive; then echo "REDIS_URL=$(url)"; return 0; fi
  local persist=(--appendonly no)
  [ "${REDIS_PERSIST:-0}" = 1 ] && persist=(--appendonly yes --appendfsync everysec)
  redis-server --port "$PORT" --bind 127.0.0.1 --daemonize yes --pidfile "$PIDFILE" --dir "$DIR" \
    --logfile "$DIR/redis.log" --save "" "${persist[@]}" >/dev/null
  for _ in $(seq 1 50); do alive && { echo "REDIS_URL=$(url)"; return 0; }; sleep 0.1; done
  echo "redis.sh: Redis did not answer on port $PORT (see $DIR/redis.log)" >&2
  return 1
}

stop() {
  if [ -f "$PIDFILE" ]; then
    kill "$(cat "$PIDFILE")" 2>/dev/null || true
    for _ in $(seq 1 50); do alive || break; sleep 0.1; done
    rm -f "$PIDFILE"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) alive && echo "running on $PORT" || { echo "stopped"; exit 1; } ;;
  url) url ;;
  *) echo "usage: $0 start|stop|status|url" >&2; exit 2 ;;
esac
