#!/usr/bin/env bash
# `make stack`: the production configuration on one machine, on loopback. PostgreSQL, Redis, a Celery worker and
# beat, and gunicorn with several workers, all with config.settings.prod, started and stopped by pid files (no
# systemd, no docker). docs/deploy.md explains it and how the same pieces spread over several machines.
#   scripts/stack.sh start   migrate, collect static files, load the demo data once, start everything
#   scripts/stack.sh stop    stop everything it started
#   scripts/stack.sh status | env
# Settings: PORT (web, default 8000), STACK_PG_PORT (default 54330), STACK_REDIS_PORT (default 63800), WEB_WORKERS,
# CELERY_CONCURRENCY (default 2), STACK_DIR (default .services/stack), STACK_SEED=0 to skip the demo data.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
PY=${PYTHON:-$ROOT/.venv/bin/python}
export PORT=${PORT:-8000}
DIR=${STACK_DIR:-$ROOT/.services/stack}
export PG_PORT=${STACK_PG_PORT:-54330} REDIS_PORT=${STACK_REDIS_PORT:-63800}
export PG_DIR=$DIR/pg REDIS_DIR=$DIR/redis CELERY_DIR=$DIR/celery GUNICORN_DIR=$DIR/gunicorn-$PORT
export CELERY_NAME=stack CELERY_BEAT=1 CELERY_CONCURRENCY=${CELERY_CONCURRENCY:-2}
# Durable PostgreSQL (fsync on), unlike the tests' throwaway one; Redis keeps the broker's queue across a restart
# (append-only file), so jobs published but not yet run survive it (docs/fault-tolerance.md).
export PG_FAST=0 REDIS_PERSIST=${REDIS_PERSIST:-1}

environment() {
  mkdir -p "$DIR"
  [ -s "$DIR/secret_key" ] || "$PY" -c "import secrets; print(secrets.token_urlsafe(64))" >"$DIR/secret_key"
  chmod 600 "$DIR/secret_key"
  export DJANGO_SETTINGS_MODULE=config.settings.prod
  export SECRET_KEY; SECRET_KEY=$(cat "$DIR/secret_key")
  export DATABASE_URL=${STACK_DATABASE_URL:-postgres://postgres@127.0.0.1:$PG_PORT/maktaba}
  export REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0
  export ALLOWED_HOSTS=127.0.0.1,localhost
  export SITE_URL=http://127.0.0.1:$PORT
  # Plain HTTP on loopback: no HTTPS redirect, no HSTS, cookies without the Secure flag; media served by Django.
  export SECURE_SSL_REDIRECT=0 BEHIND_PROXY=0 SECURE_HSTS_SECONDS=0 SECURE_HSTS_PRELOAD=0 SECURE_COOKIES=0
  export SERVE_MEDIA=1
  # collectstatic's copies (hashed, compressed) belong to this stack, not to the checkout.
  export STATIC_ROOT=$DIR/static
}

step() { printf '%-28s' "$1"; shift; out=$("$@" 2>&1) || { echo "failed"; echo "$out" >&2; return 1; }; echo "ok"; }

start() {
  environment
  step "PostgreSQL :$PG_PORT" bash scripts/pg.sh start
  step "Redis :$REDIS_PORT" bash scripts/redis.sh start
  step "migrate" "$PY" manage.py migrate --no-input
  step "collectstatic" "$PY" manage.py collectstatic --no-input --clear
  step "check --deploy" "$PY" manage.py check --deploy --fail-level ERROR
  # Pages and lesson bodies drawn by the previous code's templates are not served again (docs/deploy.md).
  step "page cache invalidated" "$PY" manage.py page_cache_invalidate
  if [ "${STACK_SEED:-1}" = 1 ] && [ ! -f "$DIR/seeded" ]; then
    step "demo data (once)" "$PY" manage.py seed_demo && touch "$DIR/seeded"
  fi
  step "Celery worker and beat" bash scripts/celery.sh start
  step "gunicorn :$PORT" bash scripts/gunicorn.sh start
  echo "Maktaba (production settings) on http://127.0.0.1:$PORT/ · logs in $DIR · stop with: make stack-stop"
}

stop() {
  environment
  # Every web port this stack served on (make stack PORT=...), then the worker, Redis, PostgreSQL.
  for dir in "$DIR"/gunicorn-*; do
    [ -d "$dir" ] || continue
    GUNICORN_DIR=$dir bash scripts/gunicorn.sh stop
  done
  bash scripts/celery.sh stop
  bash scripts/redis.sh stop
  bash scripts/pg.sh stop
  echo "stack stopped"
}

status() {
  environment
  for dir in "$DIR"/gunicorn-*; do
    [ -d "$dir" ] || continue
    printf '%-28s' "gunicorn ${dir##*-}"; GUNICORN_DIR=$dir bash scripts/gunicorn.sh status || true
  done
  printf '%-28s' "Celery worker"; bash scripts/celery.sh status || true
  printf '%-28s' "Redis"; bash scripts/redis.sh status || true
  printf '%-28s' "PostgreSQL"; bash scripts/pg.sh status >/dev/null 2>&1 && echo running || echo stopped
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  # The stack's environment for shell commands against it: eval "$(scripts/stack.sh env)"; manage.py ...
  env) environment; env | grep -E '^(DJANGO_SETTINGS_MODULE|SECRET_KEY|DATABASE_URL|REDIS_URL|ALLOWED_HOSTS|SITE_URL|PORT|SECURE_[A-Z_]+|BEHIND_PROXY|SERVE_MEDIA|STATIC_ROOT|RATE_[A-Z_]+)=' | sed -E "s/^([A-Z_]+)=(.*)$/export \1='\2'/" ;;
  *) echo "usage: $0 start|stop|status|env" >&2; exit 2 ;;
esac
