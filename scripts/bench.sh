#!/usr/bin/env bash
# `make bench`: the load benchmark (bench/load.py, bench/README.md section "load"). Starts its own `make stack`
# (its own data in .services/bench, web on BENCH_PORT, default 8300), loads the demo data and, once,
# `seed_scale --teachers BENCH_TEACHERS` (default 20000; 0 skips it) so that the tables are not toy-sized, replays the
# journeys, prints the ratio table, writes var/bench/load.json and stops the stack (BENCH_KEEP=1 leaves it running).
# Settings: BENCH_SECONDS (per step, default 12), BENCH_CLIENTS (default 4), BENCH_ACCOUNTS (default 600),
# BENCH_ONLY (comma-separated steps), WEB_WORKERS.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
PY=${PYTHON:-$ROOT/.venv/bin/python}
export STACK_DIR=$ROOT/.services/bench PORT=${BENCH_PORT:-8300}
export STACK_PG_PORT=${BENCH_PG_PORT:-54331} STACK_REDIS_PORT=${BENCH_REDIS_PORT:-63801}
# The benchmark signs in and verifies codes far more often than a person may: lift those rate limits (this stack's
# only); the cost of counting them is still paid on every request.
export RATE_LOGIN_IP=1000000/m RATE_LOGIN_ACCOUNT=1000000/m RATE_LOOKUP_IP=1000000/m
t0=$(date +%s)

stop() { [ "${BENCH_KEEP:-0}" = 1 ] || bash scripts/stack.sh stop >/dev/null; }
trap stop EXIT

bash scripts/stack.sh start
eval "$(bash scripts/stack.sh env)"
TEACHERS=${BENCH_TEACHERS:-20000}
if [ "$TEACHERS" != 0 ] && [ ! -f "$STACK_DIR/seeded-scale-$TEACHERS" ]; then
  echo "seed_scale --teachers $TEACHERS (once for this data directory) ..."
  "$PY" manage.py seed_scale --teachers "$TEACHERS" --reset
  touch "$STACK_DIR/seeded-scale-$TEACHERS"
fi
"$PY" bench/load.py --url "http://127.0.0.1:$PORT" --seconds "${BENCH_SECONDS:-12}" --clients "${BENCH_CLIENTS:-4}" \
  --accounts "${BENCH_ACCOUNTS:-600}" --only "${BENCH_ONLY:-}" --json "$ROOT/var/bench/load.json" \
  --web-pidfile "$STACK_DIR/gunicorn-$PORT/gunicorn.pid" --db-pidfile "$STACK_DIR/pg/data/postmaster.pid"
echo "make bench took $(( $(date +%s) - t0 )) s"
