#!/usr/bin/env bash
# `make test`: start a throwaway PostgreSQL and Redis on loopback, run pytest against them, stop them.
# Where they cannot be started this says so loudly and runs on SQLite; with REQUIRE_SERVICES=1 (CI) that is
# a failure instead. Extra arguments go to pytest.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
PYTEST=${PYTEST:-.venv/bin/pytest}
REQUIRE=${REQUIRE_SERVICES:-0}
started=()

loud() {
  printf '\n%s\n' "************************************************************************"
  printf '* %s\n' "$@"
  printf '%s\n\n' "************************************************************************"
}

cleanup() {
  for service in "${started[@]}"; do bash "scripts/$service.sh" stop || true; done
}
trap cleanup EXIT

if out=$(bash scripts/pg.sh start 2>&1); then
  started+=(pg)
  export DATABASE_URL=${out##*DATABASE_URL=}
  echo "PostgreSQL: $DATABASE_URL"
else
  if [ "$REQUIRE" = 1 ]; then echo "$out"; echo "PostgreSQL could not be started and REQUIRE_SERVICES=1" >&2; exit 1; fi
  loud "PostgreSQL could not be started: $out" "Running on SQLite; the PostgreSQL-only tests (concurrency) will be skipped."
  unset DATABASE_URL
fi

if out=$(bash scripts/redis.sh start 2>&1); then
  started+=(redis)
  export TEST_REDIS_URL=${out##*REDIS_URL=}
  echo "Redis: $TEST_REDIS_URL"
else
  if [ "$REQUIRE" = 1 ]; then echo "$out"; echo "Redis could not be started and REQUIRE_SERVICES=1" >&2; exit 1; fi
  loud "Redis could not be started: $out" "The tests that need Redis and a Celery worker will be skipped."
fi

export REQUIRE_SERVICES=$REQUIRE
# The test settings, whatever the caller exported (the Makefile exports the dev settings for `make run`).
export DJANGO_SETTINGS_MODULE=config.settings.test
"$PYTEST" "$@"
status=$?
if [ $status -eq 5 ]; then echo "pytest collected no tests: that is a failure" >&2; status=1; fi
exit $status
