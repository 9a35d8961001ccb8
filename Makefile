# newscope: `make reports` builds every report, `make test` runs the whole test suite.
# Both create .venv and install the project the first time (and again only when
# pyproject.toml changes).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export PATH := $(abspath $(BIN)):$(PATH)
export DVC_NO_ANALYTICS := 1

.PHONY: install reports test lab bench

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

reports: $(STAMP)
	$(BIN)/dvc repro
	@echo "Reports: $(abspath reports/index.html)"
	@echo "  reports/entity_frequency.html, reports/source_attribution.html,"
	@echo "  figures in reports/figures/, metrics in reports/metrics/"

test: $(STAMP)
	$(BIN)/dvc repro annotate
	mkdir -p build/nbval
	for nb in notebooks/*.py; do $(BIN)/jupytext --quiet --to ipynb -o build/nbval/$$(basename $$nb .py).ipynb $$nb; done
	NEWSCOPE_FIGURES_DIR=build/nbval/figures $(BIN)/pytest tests build/nbval --nbval-lax

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

bench: $(STAMP)
	$(BIN)/python bench/bench_ingest.py
	$(BIN)/python bench/run_all.py
