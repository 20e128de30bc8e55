# Quick start: `make run` (build the warehouse from the bundled data) and `make test`.
# Both install exactly the versions in uv.lock (see scripts/install_venv.sh); `make lock`
# re-resolves after a change to pyproject.toml (docs/dependencies.md). `make docs` builds the
# docs site into site/.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
INSTALL := PYTHON=$(PYTHON) scripts/install_venv.sh
# pytest-xdist: one worker per core and one more, since the system tests spend part of their
# time waiting on subprocesses and servers (2 cores: 331 s with two workers, 304 s with three);
# a module whose tests share one server or fixture is kept on one worker (xdist_group).
# benchmarks/bench.py times `make test` itself.
PYTEST_WORKERS ?= $(shell echo $$(( $$(getconf _NPROCESSORS_ONLN) + 1 )))
PYTEST_PARALLEL := -n $(PYTEST_WORKERS) --dist loadgroup

.PHONY: run test test-fast check report bench bench-setup bench-tests docs lock lint clean

$(VENV)/.base: pyproject.toml uv.lock scripts/install_venv.sh
	$(INSTALL)
	touch $@

$(VENV)/.dev: $(VENV)/.base
	$(INSTALL) --dev
	touch $@

run: $(VENV)/.base  ## build the warehouse from the bundled snapshot (no network) and check it
	$(BIN)/hkpipe run --source snapshot

check: $(VENV)/.base  ## run the checks on the published warehouse
	$(BIN)/hkpipe check

report: $(VENV)/.base  ## write reports/report.md and .html with charts and GX Data Docs
	$(BIN)/hkpipe report

test: $(VENV)/.dev  ## run every test: unit, integration and system tiers, in parallel (no network)
	$(BIN)/python -m pytest $(PYTEST_PARALLEL)

test-fast: $(VENV)/.dev  ## the unit and integration tiers only, in parallel: the quick loop
	$(BIN)/python -m pytest $(PYTEST_PARALLEL) tests/unit tests/integration

bench: $(VENV)/.dev  ## measure the performance ratios into benchmarks/results.json (the dev extra: the test suite is one)
	$(BIN)/python benchmarks/bench.py

bench-setup: $(VENV)/.base  ## measure only ratios.setup_vs_pip (cold installs, needs PyPI)
	$(BIN)/python benchmarks/bench.py --only setup

docs: $(VENV)/.dev  ## build the docs site into site/ (mkdocs --strict; open site/index.html)
	NO_MKDOCS_2_WARNING=1 $(BIN)/python -m mkdocs build --strict

bench-tests: $(VENV)/.dev  ## measure only ratios.test_suite_seconds (the wall time of make test)
	$(BIN)/python benchmarks/bench.py --only tests

lock:  ## re-resolve uv.lock from pyproject.toml; export requirements/ for pip
	uv=$$($(INSTALL) --print-uv) && \
	UV_PYTHON_DOWNLOADS=never $$uv lock --python $(PYTHON) && \
	$$uv export --frozen --quiet --no-header --no-emit-project -o requirements/run.txt && \
	$$uv export --frozen --quiet --no-header --no-emit-project --extra dev \
		-o requirements/dev.txt

lint: $(VENV)/.dev
	$(BIN)/ruff check hkpipe flows tests benchmarks scripts docs/hooks

clean:
	rm -rf $(VENV) .tools data reports site .pytest_cache benchmarks/.work benchmarks/.dbt-venv
