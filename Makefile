# Two commands: `make run` and `make test`. Both are idempotent and quick on a second run.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501

.PHONY: run test lint format bench seed clean help

help:
	@echo "make run    create .venv, install, serve on :$(PORT) (the app fills a new store with the demo)"
	@echo "make test   install the dev requirements and run the whole suite (unit, AppTest, browser)"
	@echo "make lint   ruff check, format check and mypy"
	@echo "make bench  benchmarks (see README, Performance)"

# The venv is rebuilt only when a requirements file changes (the stamp files record it).
$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found " + sys.version.split()[0] + "); set PYTHON=python3.X")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.requirements: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.requirements-dev: requirements-dev.txt requirements.txt $(VENV)/.requirements
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	@touch $@

# As a host runs it: the app prepares a missing or empty store itself (see README, Deploy).
run: $(VENV)/.requirements
	$(BIN)/streamlit run app.py --server.port $(PORT) --server.headless true

test: $(VENV)/.requirements-dev
	$(BIN)/python -m pytest

lint: $(VENV)/.requirements-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(VENV)/.requirements-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# make bench BENCH_ARGS="--scale 10 --load", say (python -m bench --help)
bench: $(VENV)/.requirements-dev
	$(BIN)/python -m bench $(BENCH_ARGS)

seed: $(VENV)/.requirements
	$(BIN)/python -m tfc_dash seed-demo

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
