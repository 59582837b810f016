#!/usr/bin/env bash
# A throwaway PostgreSQL on loopback for tests and `make stack`, run by pid file (no systemd, no docker).
#   scripts/pg.sh start   prints DATABASE_URL=... on success
#   scripts/pg.sh stop | status | url
# Settings: PG_PORT (default 54329), PG_DIR (default .services/pg), PG_DB (default maktaba), PG_FAST=1 (default)
# turns off fsync for test speed.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PORT=${PG_PORT:-54329}
DIR=${PG_DIR:-$ROOT/.services/pg-$PORT}
DB=${PG_DB:-maktaba}
FAST=${PG_FAST:-1}

find_bin() {
  local name=$1
  if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return; fi
  local candidate
  candidate=$(ls -d /usr/lib/postgresql/*/bin/"$name" 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$candidate" ] && echo "$candidate"
}
PG_CTL=$(find_bin pg_ctl || true)
INITDB=$(find_bin initdb || true)
PSQL=$(find_bin psql || true)

# initdb refuses to run as root: run the server as the postgres user then.
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
url() { echo "postgres://postgres@127.0.0.1:$PORT/$DB"; }

start() {
  if [ -z "$PG_CTL" ] || [ -z "$INITDB" ]; then
    echo "pg.sh: PostgreSQL server binaries (initdb, pg_ctl) not found; install the postgresql package" >&2
    return 1
  fi
  mkdir -p "$DIR"
  [ "$(id -u)" = 0 ] && chown postgres: "$DIR"
  if [ ! -f "$DIR/data/PG_VERSION" ]; then
    as_owner "$INITDB" -D "$DIR/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$DIR/initdb.log" 2>&1 \
      || as_owner "$INITDB" -D "$DIR/data" -U postgres -A trust -E UTF8 --no-locale >"$DIR/initdb.log" 2>&1
  fi
  if as_owner "$PG_CTL" -D "$DIR/data" status >/dev/null 2>&1; then
    echo "DATABASE_URL=$(url)"; return 0
  fi
  local opts="-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=128MB"
  [ "$FAST" = 1 ] && opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  as_owner "$PG_CTL" -D "$DIR/data" -l "$DIR/server.log" -o "$opts" -w -t 60 start >/dev/null
  "$PSQL" -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$DB'" \
    | grep -q 1 || "$PSQL" -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -qc "CREATE DATABASE $DB"
  echo "DATABASE_URL=$(url)"
}

stop() {
  [ -n "$PG_CTL" ] && [ -f "$DIR/data/postmaster.pid" ] && as_owner "$PG_CTL" -D "$DIR/data" -m fast -w stop >/dev/null || true
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  restart) as_owner "$PG_CTL" -D "$DIR/data" -m fast -w restart >/dev/null ;;
  status) as_owner "$PG_CTL" -D "$DIR/data" status ;;
  url) url ;;
  *) echo "usage: $0 start|stop|restart|status|url" >&2; exit 2 ;;
esac
