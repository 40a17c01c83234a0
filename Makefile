# powershift: `make run` and `make test` set everything up from nothing (a .venv with
# Python >= 3.12, the project and its dev tools) and are quick when the venv is current.

SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SOURCES ?= ../shared/data

# The first interpreter >= 3.12 found: $PYTHON if set, then the usual names on PATH, then
# pyenv's and /usr/local's installs (pyenv shims for versions that are not active fail to run,
# so each candidate is tried, not just looked up).
FIND_PYTHON = for p in $$PYTHON python3.13 python3.12 python3 \
	  $$(ls -d $$HOME/.pyenv/versions/3.1[2-9]*/bin/python3 /usr/local/bin/python3.1[2-9] \
	           /usr/bin/python3.1[2-9] 2>/dev/null | sort -rV); do \
	  if "$$p" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
	    command -v "$$p"; exit 0; fi; \
	done; \
	echo "error: no Python >= 3.12 found (tried \$$PYTHON, python3.13, python3.12, python3," \
	     "~/.pyenv/versions/3.12+). Install one, or run: make PYTHON=/path/to/python3.12 ..." >&2; \
	exit 1

.PHONY: run test bench lint data clean venv dashboard chromium

DASHBOARD_PORT ?= 8765

venv: $(STAMP)

$(STAMP): pyproject.toml
	@if [ ! -x $(BIN)/python ] || ! $(BIN)/python -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then \
	  py=$$($(FIND_PYTHON)) || exit 1; \
	  echo "creating $(VENV) with $$py ($$($$py --version))"; \
	  rm -rf $(VENV); "$$py" -m venv $(VENV) || exit 1; \
	fi
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

# The baseline study end to end: its sweep (one point, 20 replicates), the collected tables,
# a printed summary and its figure, in multirun/baseline/<date>_<time>/.
run: $(STAMP)
	@dir=multirun/baseline/$$(date +%Y-%m-%d_%H-%M-%S) && \
	$(BIN)/python -m experiments.run -m experiment=baseline hydra.sweep.dir=$$dir && \
	$(BIN)/python -m experiments.collect $$dir && \
	$(BIN)/python -m experiments.report $$dir

test: $(STAMP) chromium
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m benchmarks.bench_model
	$(BIN)/python -m benchmarks.bench_sweep
	$(BIN)/python -m benchmarks.bench_scale
	$(BIN)/python -m benchmarks.bench_design

# The dashboard (sim/app.py, docs/dashboard.md) on http://127.0.0.1:$(DASHBOARD_PORT)/, served
# offline with the solara-assets package's files; no usage telemetry.
dashboard: $(STAMP)
	SOLARA_TELEMETRY_MIXPANEL_ENABLE=False $(BIN)/solara run sim/app.py \
	  --host 127.0.0.1 --port $(DASHBOARD_PORT) --production --no-open

# Debian's Chromium for the browser test (tests/test_dashboard.py skips without it); as root
# only, so that `make test` still runs on a machine where it cannot be installed.
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "note: /usr/bin/chromium is missing (as root: apt-get install chromium);" \
	         "the dashboard's browser test will be skipped"; \
	  fi; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Rebuild the shipped scenario tables, the gravity calibration and the war-termination hazard
# from the public sources, and the finance fit from its shipped record.
data: $(STAMP)
	for year in 2000 2014 2024; do \
	  $(BIN)/python scripts/build_world.py --year $$year --sources $(SOURCES) \
	    --out sim/data/world_$$year || exit 1; \
	done
	$(BIN)/python scripts/estimate_gravity.py --sources $(SOURCES) --out sim/data
	$(BIN)/python scripts/estimate_war_hazard.py --sources $(SOURCES) --out sim/data
	$(BIN)/python -m experiments.finance_calibration --out sim/data

clean:
	rm -rf $(VENV) outputs multirun .pytest_cache .ruff_cache .hypothesis
	find sim -name '*.nb[ci]' -delete  # numba's compiled kernels (sim/kernels.py)
