# Attune: `make run` sets up and starts everything; `make test` checks everything.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export ATTUNE_DATA_DIR ?= $(CURDIR)/var
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/attune_test

SCALE_ARGS ?=

.PHONY: scale-test run install lock upgrade lock-check migrate demo test lint typecheck layers test-sqlite test-postgres test-e2e bench screenshots clean

# The whole dependency tree is pinned in uv.lock; uv itself is pinned here and installed from PyPI
# into its own small environment, so nothing is installed by hand.
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
export UV_PYTHON ?= $(PYTHON)
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
EXTRAS := --extra dev --extra rq

$(UV):
	@$(PYTHON) -m venv $(TOOLS)
	@$(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check 'uv==$(UV_VERSION)'

# --locked: install exactly what uv.lock says, and stop if it is out of step with pyproject.toml.
$(STAMP): pyproject.toml uv.lock | $(UV)
	@start=$$(date +%s); \
	$(UV) sync --locked $(EXTRAS) --quiet && \
	echo "Installed the locked dependencies in $$(( $$(date +%s) - start )) s"
	@touch $(STAMP)

install: $(STAMP)

# `make lock` records a change to pyproject.toml in uv.lock (keeping every other pin);
# `make upgrade` moves every pin to the newest release the ranges allow. Run `make test` after.
lock: | $(UV)
	$(UV) lock

upgrade: | $(UV)
	$(UV) lock --upgrade

# Fails when pyproject.toml asks for something uv.lock does not pin.
lock-check: | $(UV)
	$(UV) lock --check

migrate: install
	$(BIN)/attune migrate --noinput -v0
	$(BIN)/attune collectstatic --noinput -v0

demo: migrate
	$(BIN)/attune demo

run: demo
	@echo "Open http://127.0.0.1:$(PORT)/ and sign in with one of the demo logins above."
	$(BIN)/attune serve --port $(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy src tests bench scripts

# The layers contract in pyproject.toml: an app that imports one above it fails the build.
layers: install
	$(BIN)/lint-imports --no-cache

test-sqlite: install
	ATTUNE_DATA_DIR=$$(mktemp -d) $(BIN)/pytest -m "not e2e" -q

test-postgres: install
	@if $(BIN)/python -c "import socket,sys; s=socket.socket(); s.settimeout(1); sys.exit(s.connect_ex(('127.0.0.1',5432)))"; then \
		echo "PostgreSQL answers on 127.0.0.1:5432: running the suite on it"; \
		ATTUNE_DATA_DIR=$$(mktemp -d) DATABASE_URL=$(PG_URL) $(BIN)/pytest -m "not e2e" -q; \
	else echo "PostgreSQL is not reachable on 127.0.0.1:5432: skipping the PostgreSQL run"; fi

test-e2e: install
	ATTUNE_DATA_DIR=$$(mktemp -d) ATTUNE_TEST_SQLITE_FILE=1 $(BIN)/pytest -m e2e -q

test: lock-check lint typecheck layers test-sqlite test-postgres test-e2e

# One PNG per page and role at 1366 px and 375 px of a freshly seeded demo, in var/screenshots/.
screenshots: install
	$(BIN)/python scripts/screenshots.py --port $(or $(SCREENSHOTS_PORT),8230)

bench: install
	$(BIN)/python bench/films.py --quick
	$(BIN)/python bench/clips.py --quick
	$(BIN)/python bench/editor.py --quick
	$(BIN)/python bench/analysis_speed.py --quick
	$(BIN)/python bench/analysis_quality.py --quick

# Not part of `make test` (too heavy): PostgreSQL, RQ on its own Redis, S3 (moto), gunicorn and
# three workers under a Locust load with faults. Report: var/scale-report/. Needs PostgreSQL on
# 127.0.0.1:5432 (skips, saying so, without it). SCALE_ARGS="--users 10 --seconds 60" for less.
scale-test: install
	$(UV) sync --locked $(EXTRAS) --extra scale --quiet
	$(BIN)/python bench/scale/scale_run.py $(SCALE_ARGS)
	@touch $(STAMP)

clean:
	rm -rf $(VENV) $(TOOLS) var .mypy_cache .ruff_cache
