#!/usr/bin/env bash
# A Celery worker (and optionally beat) on the Redis given by REDIS_URL, run by pid file.
#   scripts/celery.sh start|stop|status
# Settings: CELERY_DIR (default .services/celery), CELERY_CONCURRENCY (default 1), CELERY_BEAT=1 to also run
# beat; DJANGO_SETTINGS_MODULE, DATABASE_URL and REDIS_URL pass through to the worker.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=${CELERY_DIR:-$ROOT/.services/celery}
PY=${PYTHON:-$ROOT/.venv/bin/python}
CONCURRENCY=${CELERY_CONCURRENCY:-1}
NAME=${CELERY_NAME:-maktaba}

start() {
  : "${REDIS_URL:?set REDIS_URL to the Redis the worker should use}"
  mkdir -p "$DIR"
  cd "$ROOT"
  # The log is appended to: only what this start writes counts as its "ready" (a restart would see the last one's).
  local seen
  seen=$(stat -c %s "$DIR/worker.log" 2>/dev/null || echo 0)
  "$PY" -m celery -A config worker --detach --pool=prefork --concurrency="$CONCURRENCY" \
    --hostname="$NAME@%h" --pidfile="$DIR/worker.pid" --logfile="$DIR/worker.log" --loglevel=INFO
  if [ "${CELERY_BEAT:-0}" = 1 ]; then
    "$PY" -m celery -A config beat --detach --pidfile="$DIR/beat.pid" --logfile="$DIR/beat.log" \
      --schedule="$DIR/beat-schedule" --loglevel=INFO
  fi
  # Up to a minute: a worker imports all of Django and Wagtail, slow on a busy machine.
  for _ in $(seq 1 600); do
    [ -s "$DIR/worker.pid" ] && tail -c +$((seen + 1)) "$DIR/worker.log" 2>/dev/null | grep -q " ready\." \
      && { echo "worker ready"; return 0; }
    sleep 0.1
  done
  echo "celery.sh: the worker did not report ready (see $DIR/worker.log)" >&2
  return 1
}

stop() {
  for name in beat worker; do
    local pidfile="$DIR/$name.pid"
    if [ -f "$pidfile" ]; then
      local pid
      pid=$(cat "$pidfile")
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "$pid" 2>/dev/null || true
      rm -f "$pidfile"
    fi
  done
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) [ -f "$DIR/worker.pid" ] && kill -0 "$(cat "$DIR/worker.pid")" 2>/dev/null && echo running || { echo stopped; exit 1; } ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
