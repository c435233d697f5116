# ledgerkit: one command to set up and run the demo, one to run the tests.
# The environment is a local .venv built by uv from requirements.lock (pip fallback).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
UVBOOT := .uvboot
UV     := $(UVBOOT)/bin/uv
PORT   ?= 8866
WORKSPACE ?= workspace-demo
export UV_PYTHON_DOWNLOADS := never
export UV_CACHE_DIR ?= $(CURDIR)/.uv-cache
# write .pyc files at install: every process (CLI, kernel, tests) then starts without
# compiling ~350 modules, which matters where PYTHONDONTWRITEBYTECODE is set
export UV_COMPILE_BYTECODE := 1

.PHONY: env demo serve test test-fast lint lock bench clean

env: $(VENV)/.installed

$(UV):
	$(PYTHON) -m venv $(UVBOOT)
	$(UVBOOT)/bin/pip install -q uv==0.13.9

$(VENV)/.installed: requirements.lock pyproject.toml | $(UV)
	$(UV) venv --allow-existing --python $(PYTHON) $(VENV)
	$(UV) pip install --python $(BIN)/python -r requirements.lock
	$(UV) pip install --python $(BIN)/python --no-deps -e .
	$(BIN)/python -m compileall -q ledgerkit widgets >/dev/null
	touch $@

demo: env
	$(BIN)/ledgerkit --workspace $(WORKSPACE) demo --serve --port $(PORT)

test: env
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m pytest

test-fast: env
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m pytest -m "not browser and not slow"

lint: env
	$(BIN)/ruff check ledgerkit widgets tests benchmarks

lock: $(UV)
	$(UV) pip compile requirements.in -o requirements.lock.new --python-version 3.11.7
	mv requirements.lock.new requirements.lock

bench: env
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) $(UVBOOT) .uv-cache .pytest_cache workspace-demo
