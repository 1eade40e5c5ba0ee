# Partnership analysis toolkit. `make help` lists the targets.
SHELL := /bin/bash
# Cache bytecode: imports of the scientific stack are several times faster on every worker and kernel.
# `make install` compiles it once (--compile-bytecode), so a shell with PYTHONDONTWRITEBYTECODE set
# (which only stops writing, not reading, .pyc files) still imports from it.
unexport PYTHONDONTWRITEBYTECODE
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
DATASET ?= data/example
OUT ?= output/report
KERNEL := partnership-analysis
REPEAT ?= 5

.DEFAULT_GOAL := help
.PHONY: help install report test test-fast test-repeat smoke notebooks bench lint format lab lock example clean

help: ## Show this help
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-12s\033[0m %s\n", $$1, $$2}'

$(STAMP): requirements.lock pyproject.toml setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip uv
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(PY) -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(PY) --no-deps -e .
	$(PY) -m compileall -q src/analysis
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

test-repeat: $(STAMP) ## Run the whole suite REPEAT=5 times in a row; stop at the first failure
	@for i in $$(seq 1 $(REPEAT)); do \
	  echo "== make test: run $$i of $(REPEAT)"; \
	  $(MAKE) --no-print-directory test || { echo "== run $$i of $(REPEAT) failed"; exit 1; }; \
	done; echo "== all $(REPEAT) runs passed"

smoke: ## Install with plain `pip install .` into a fresh venv and run every command on the example
	.ci/smoke

notebooks: $(STAMP) ## Re-execute the committed notebooks in place (no timings recorded; commit the result)
	cd notebooks && for nb in [0-9][0-9]_*.ipynb; do \
	  echo "executing $$nb"; \
	  PYTHONHASHSEED=0 $(abspath $(BIN))/jupyter nbconvert --to notebook --execute --inplace --log-level=WARN \
	    --ExecutePreprocessor.kernel_name=$(KERNEL) --ExecutePreprocessor.record_timing=False \
	    --ExecutePreprocessor.timeout=1200 "$$nb" || exit 1; \
	done

bench: $(STAMP) ## Run the benchmarks and write docs/performance.md; then the typology's stability beside R clusterboot and the report (BASELINE=main also times main's report)
	$(PY) benchmarks/run.py
	mkdir -p benchmarks/_work && $(PY) benchmarks/bench_typology.py --json benchmarks/_work/bench_typology.json
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
