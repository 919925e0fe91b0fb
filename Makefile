# tsunagu — two commands set everything up: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
TSUNAGU := $(VENV)/bin/tsunagu
HOST ?= 127.0.0.1
PORT ?= 8000
SAMPLE := data/sample/catalog.csv

.PHONY: run test bench install install-test system-deps lint clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

## Installs Debian's chromium and postgresql when they are missing (used by the browser and PostgreSQL suites).
system-deps:
	bash .ci/system-deps

run: install
	$(TSUNAGU) init --sample $(SAMPLE)
	$(TSUNAGU) serve --host $(HOST) --port $(PORT)

test: install-test system-deps
	bash .ci/test-suite

bench: install-test
	$(PY) -m tests.bench

clean:
	rm -rf $(VENV) var artifacts .pytest_cache
