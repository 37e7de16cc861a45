# The two commands: `make run` (whole suite on SQLite) and `make test` (everything).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint types imports migrations-check bench soak clean

$(STAMP): requirements.lock requirements-dev.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m deploy.cli run

test: $(STAMP) lint types imports
	$(PY) -m pytest -n 2 -q

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check shared gateway deploy services tests

types: $(STAMP)
	$(VENV)/bin/mypy shared gateway deploy services

imports: $(STAMP)
	$(VENV)/bin/lint-imports

# every benchmark and one table (target, now, met); QUICK=1 for a look in under two minutes
bench: $(STAMP)
	$(PY) bench/all.py $(if $(QUICK),--quick) $(BENCH_ARGS)

# the whole suite under mixed traffic and faults (kill -9, SIGSTOP, PostgreSQL refusing
# connections), then its invariants: make soak SECONDS=30 DB=postgres
soak: $(STAMP)
	$(PY) -m tests.soak --seconds $(or $(SECONDS),60) --db $(or $(DB),sqlite) $(SOAK_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
