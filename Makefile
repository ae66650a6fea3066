# Houbei. `make demo` and `make test` are the two commands of the README; CI runs .ci/run,
# which is `make test` followed by `make test-postgres`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip install --disable-pip-version-check -q -c constraints.txt
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: demo test test-postgres bench lint typecheck i18n lock system-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) -e .
	touch $@

$(VENV)/.dev: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) -e ".[dev]"
	touch $@ $(VENV)/.runtime

## Set up and run the demo on embedded SQLite: http://127.0.0.1:8000
demo: system-deps $(VENV)/.runtime
	$(BIN)/houbei demo

## Set up and run the whole quality gate on SQLite: lint, types, translations, tests
test: system-deps $(VENV)/.dev lint typecheck
	$(BIN)/python scripts/i18n.py check
	$(BIN)/pytest --cov --cov-report=term:skip-covered

## The same tests against PostgreSQL (the second leg of CI)
test-postgres: system-deps $(VENV)/.dev
	DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest

## The benchmark suite: district and city on SQLite and PostgreSQL (bench/run --quick: district
## on SQLite). Synthesizes each database once into var/bench/ or houbei_bench_*; writes
## bench/results.json. See docs/performance.md.
bench: system-deps $(VENV)/.dev
	bench/run

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.dev
	$(BIN)/mypy houbei bench

## Extract new strings, derive Traditional Chinese, compile catalogues
i18n: $(VENV)/.dev
	$(BIN)/python scripts/i18n.py update

## Re-pin every dependency (direct and transitive) after changing pyproject.toml
lock: $(BIN)/python
	$(BIN)/python -m pip install --disable-pip-version-check -q -e ".[dev]"
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^-e ' > constraints.txt

## Debian packages the browser tests and PDFs need (Chromium, CJK fonts, gettext)
system-deps:
	scripts/system-deps

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .coverage test-artifacts
