#!/usr/bin/env bash
# gunicorn serving config.wsgi on loopback, run by pid file (no systemd, no docker).
#   scripts/gunicorn.sh start|stop|status
# Settings: PORT (default 8000), WEB_WORKERS (default 2 × cores + 1), WEB_THREADS (default 1), GUNICORN_DIR
# (default .services/gunicorn-PORT); DJANGO_SETTINGS_MODULE, DATABASE_URL, REDIS_URL, SECRET_KEY, ... pass through.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PY=${PYTHON:-$ROOT/.venv/bin/python}
PORT=${PORT:-8000}
DIR=${GUNICORN_DIR:-$ROOT/.services/gunicorn-$PORT}
WORKERS=${WEB_WORKERS:-$(( $(nproc 2>/dev/null || echo 1) * 2 + 1 ))}
THREADS=${WEB_THREADS:-1}
PIDFILE=$DIR/gunicorn.pid

running() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

start() {
  mkdir -p "$DIR"
  cd "$ROOT"
  if running; then echo "gunicorn already running on 127.0.0.1:$PORT"; return 0; fi
  # --max-requests recycles a worker now and then (bounded memory); the jitter keeps them from restarting together.
  "$PY" -m gunicorn config.wsgi:application --daemon --pid "$PIDFILE" \
    --bind "127.0.0.1:$PORT" --workers "$WORKERS" --threads "$THREADS" --timeout 60 --graceful-timeout 30 \
    --keep-alive 5 --max-requests 5000 --max-requests-jitter 500 --control-socket "$DIR/gunicorn.ctl" \
    --access-logfile "$DIR/access.log" --error-logfile "$DIR/error.log" --capture-output
  for _ in $(seq 1 200); do
    if "$PY" - "$PORT" <<'PY' 2>/dev/null; then echo "gunicorn ready on http://127.0.0.1:$PORT/ ($WORKERS workers)"; return 0; fi
import sys, urllib.request
urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/health/", timeout=2).read()
PY
    sleep 0.2
  done
  echo "gunicorn.sh: no answer on 127.0.0.1:$PORT/health/ (see $DIR/error.log)" >&2
  tail -n 30 "$DIR/error.log" >&2 || true
  return 1
}

stop() {
  if [ -f "$PIDFILE" ]; then
    local pid
    pid=$(cat "$PIDFILE")
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$PIDFILE"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if running; then echo "running (pid $(cat "$PIDFILE"))"; else echo stopped; exit 1; fi ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
