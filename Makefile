# Partnership analysis toolkit. `make help` lists the targets.
SHELL := /bin/bash
# Cache bytecode: imports of the scientific stack are several times faster on every worker and kernel.
unexport PYTHONDONTWRITEBYTECODE
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
DATASET ?= data/example
OUT ?= output/report
KERNEL := partnership-analysis

.DEFAULT_GOAL := help
.PHONY: help install report test test-fast bench lint format lab lock example clean

help: ## Show this help
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-10s\033[0m %s\n", $$1, $$2}'

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip uv
	$(BIN)/uv pip install --quiet --python $(PY) -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(PY) --no-deps -e .
	$(PY) -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Partnership analysis" >/dev/null
	touch $(STAMP)

install: $(STAMP) ## Create .venv and install the toolkit from the lock file

report: $(STAMP) ## Run the main job on the bundled example data (OUT=output/report)
	$(PY) -m analysis report $(DATASET) --out $(OUT)

test: $(STAMP) ## Run the whole test suite: unit tests, doctests and notebooks (nbval)
	$(PY) -m pytest -n 2 --dist loadfile --doctest-modules \
	  --nbval --nbval-sanitize-with notebooks/sanitize.cfg --nbval-kernel-name $(KERNEL) \
	  tests src/analysis notebooks

test-fast: $(STAMP) ## Run the unit tests only (no notebooks)
	$(PY) -m pytest -n 2 -x -q tests

bench: $(STAMP) ## Run the benchmarks and write docs/performance.md (BASELINE=main also times main's report)
	$(PY) benchmarks/run.py
	$(PY) benchmarks/bench_report.py $(if $(BASELINE),--baseline $(BASELINE))

lint: $(STAMP) ## Lint with ruff
	$(BIN)/ruff check src tests benchmarks

format: $(STAMP) ## Format with ruff
	$(BIN)/ruff format src tests benchmarks

lab: $(STAMP) ## Open JupyterLab with the project's kernel
	$(BIN)/jupyter lab notebooks

example: $(STAMP) ## Regenerate the bundled example dataset (seed 2010)
	$(PY) -m analysis make-example --seed 2010 --out data/example --force

lock: ## Refresh requirements.lock from pyproject.toml
	$(PYTHON) -m pip install --quiet uv
	$(PYTHON) -m uv pip compile pyproject.toml --extra dev --python-version 3.11 -o requirements.lock

clean: ## Remove the environment and outputs
	rm -rf $(VENV) output .pytest_cache
