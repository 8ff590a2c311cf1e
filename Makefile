# Attune: `make run` sets up and starts everything; `make test` checks everything.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export ATTUNE_DATA_DIR ?= $(CURDIR)/var
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/attune_test

.PHONY: run install migrate demo test lint typecheck test-sqlite test-postgres test-e2e bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

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
	$(BIN)/mypy src tests bench

test-sqlite: install
	ATTUNE_DATA_DIR=$$(mktemp -d) $(BIN)/pytest -m "not e2e" -q

test-postgres: install
	@if $(BIN)/python -c "import socket,sys; s=socket.socket(); s.settimeout(1); sys.exit(s.connect_ex(('127.0.0.1',5432)))"; then \
		echo "PostgreSQL answers on 127.0.0.1:5432: running the suite on it"; \
		ATTUNE_DATA_DIR=$$(mktemp -d) DATABASE_URL=$(PG_URL) $(BIN)/pytest -m "not e2e" -q; \
	else echo "PostgreSQL is not reachable on 127.0.0.1:5432: skipping the PostgreSQL run"; fi

test-e2e: install
	ATTUNE_DATA_DIR=$$(mktemp -d) ATTUNE_TEST_SQLITE_FILE=1 $(BIN)/pytest -m e2e -q

test: lint typecheck test-sqlite test-postgres test-e2e

bench: install
	$(BIN)/python bench/films.py --quick
	$(BIN)/python bench/clips.py --quick
	$(BIN)/python bench/editor.py --quick
	$(BIN)/python bench/analysis_speed.py --quick
	$(BIN)/python bench/analysis_quality.py --quick

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache
