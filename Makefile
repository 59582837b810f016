# Two commands do all set-up on a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= config.settings.dev

.PHONY: run test lint messages install install-dev seed clean-services stack stack-stop stack-status bench

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# The tests' front-end tools (package.json: axe-core), exactly as package-lock.json pins them.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev node_modules/.installed

run: install
	mkdir -p var
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

seed: install
	$(PY) manage.py seed_demo

test: install-dev
	bash scripts/test.sh

lint: install-dev
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py check_layers
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run

messages: install-dev
	$(PY) manage.py makemessages --locale ru --locale ar --no-obsolete --ignore '.venv/*' --ignore 'var/*' --ignore 'static/*' --ignore 'tests/*' --ignore 'bench/*' --ignore '.services/*' --ignore 'node_modules/*'
	$(PY) manage.py compilemessages --locale ru --locale ar --ignore '.venv/*'

# The production configuration on one machine, on loopback (docs/deploy.md): PostgreSQL, Redis, a Celery worker
# and beat, gunicorn. `make stack PORT=8200` serves on another port; `make stack-stop` stops everything.
stack: install
	bash scripts/stack.sh start

stack-stop:
	bash scripts/stack.sh stop

stack-status:
	bash scripts/stack.sh status

# The load benchmark (bench/load.py, bench/README.md): starts `make stack` with its own data, replays teachers'
# journeys for a bounded time, prints the ratio table and writes var/bench/load.json.
bench: install-dev
	bash scripts/bench.sh

clean-services:
	-bash scripts/celery.sh stop
	-bash scripts/redis.sh stop
	-bash scripts/pg.sh stop
