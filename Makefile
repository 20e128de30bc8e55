# Quick start: `make run` (build the warehouse from the bundled data) and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: run test check report bench lint clean

$(VENV)/.base: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.dev: $(VENV)/.base
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

run: $(VENV)/.base  ## build the warehouse from the bundled snapshot (no network) and check it
	$(BIN)/hkpipe run --source snapshot

check: $(VENV)/.base  ## run the checks on the published warehouse
	$(BIN)/hkpipe check

report: $(VENV)/.base  ## write reports/report.md and .html with charts and GX Data Docs
	$(BIN)/hkpipe report

test: $(VENV)/.dev  ## run the test suite (no network)
	$(BIN)/python -m pytest

bench: $(VENV)/.base  ## measure the performance ratios into benchmarks/results.json
	$(BIN)/python benchmarks/bench.py

lint: $(VENV)/.dev
	$(BIN)/ruff check pipeline flows tests benchmarks scripts

clean:
	rm -rf $(VENV) data reports .pytest_cache benchmarks/.work benchmarks/.dbt-venv
