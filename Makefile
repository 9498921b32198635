# scaling-laws companion: the Makefile verbs are the user interface (see README.md).
#
#   make figures   run every notebook headlessly (papermill, in parallel) and update figures/
#   make test      ruff + pytest
#   make lab       JupyterLab on notebooks/ with the project's kernel
#   make bench     print the benchmarks' numbers
#   make runs      the measured-here training study (hours; resumable), results in data/runs/
#   make runs-smoke  2-3 tiny runs of the study (under 2 minutes), results in build/runs-smoke/
#   make report    regenerate REPRODUCTION.md from the registry of reproduced numbers
#   make lock      regenerate requirements.lock and environment.yml from requirements.in
#   make book      the executed notebooks, README and REPRODUCTION.md as a static site in build/book/
#
# Each verb first creates .venv from the exact pins in requirements.lock (Python 3.11) when it is
# missing or older than the lock or pyproject.toml.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.SECONDEXPANSION:

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NPROC := $(shell nproc 2>/dev/null || echo 2)

NOTEBOOKS := $(sort $(wildcard notebooks/*.ipynb))
STEMS := $(notdir $(basename $(NOTEBOOKS)))
DONE := $(STEMS:%=build/stamps/%.done)
# A notebook reruns when it, the package, its make parameters or the project's own data change
# (data/derived/ excepted: the tables the notebooks write there, moved in like the figures).
SRC := pyproject.toml $(shell find src -name '*.py' 2>/dev/null)
OWN_DATA := $(shell find data -path data/derived -prune -o -type f -print 2>/dev/null)
# ipykernel's start-up and shut-down chatter, which says nothing about the notebook
KERNEL_NOISE := Kernel is running over TCP without encryption|KeyboardInterrupt caught in kernel

.PHONY: help venv figures test lab bench lock clean runs runs-smoke report

help:
	@sed -n '3,13p' Makefile | sed 's/^# \{0,1\}//'

venv: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@echo "Setting up $(VENV) (Python 3.11, pins from requirements.lock)"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -c 'import sys; assert sys.version_info[:2] == (3, 11), "need Python 3.11, got " + sys.version' \
		|| { echo "$(VENV) is not Python 3.11: remove it and set PYTHON=python3.11"; exit 1; }
	@# (pip's warnings about unreadable local index folders on some machines are filtered out)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -r requirements.lock \
		2>&1 | { grep -v 'is ignored: it is neither a file nor a directory' || true; }
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e . \
		2>&1 | { grep -v 'is ignored: it is neither a file nor a directory' || true; }
	@touch $@

figures: $(STAMP)
	@$(MAKE) --no-print-directory -j$(NPROC) $(DONE)

# Run one notebook into build/executed/ with its figures staged in build/staging/<stem>/; only when
# papermill succeeds are they moved (renamed) into figures/. A failing notebook keeps its executed
# copy with papermill's error banner, makes `make figures` fail and changes no figure.
build/stamps/%.done: notebooks/%.ipynb $(SRC) $(OWN_DATA) $(STAMP) $$(wildcard notebooks/params/$$*.yaml)
	@mkdir -p build/executed build/stamps && rm -rf build/staging/$* && mkdir -p build/staging/$*
	@echo "papermill notebooks/$*.ipynb"
	@$(BIN)/papermill --no-progress-bar --log-level WARNING --cwd notebooks \
		notebooks/$*.ipynb build/executed/$*.ipynb \
		$(if $(wildcard notebooks/params/$*.yaml),-f notebooks/params/$*.yaml) \
		-p output_dir $(CURDIR)/build/staging/$* 2>&1 | { grep -v -E "$(KERNEL_NOISE)" || true; } \
		|| { echo "notebooks/$*.ipynb failed: see build/executed/$*.ipynb; figures/ unchanged"; exit 1; }
	@mkdir -p figures data/derived && for f in build/staging/$*/*; do case "$$f" in \
		*.csv) mv -f "$$f" data/derived/ ;; *) [ -e "$$f" ] && mv -f "$$f" figures/ ;; esac; done
	@touch $@

test: $(STAMP)
	$(BIN)/ruff check src tests tools benchmarks notebooks
	$(BIN)/ruff format --check src tests tools benchmarks
	$(BIN)/python -m pytest -n $(NPROC) -q

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/ $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

report: $(STAMP)
	$(BIN)/python -m scalinglaws.reproduction

# The numbers are also kept in data/benchmarks.txt (with the machine they ran on) for REPRODUCTION.md.
bench: $(STAMP)
	@mkdir -p build && { \
		echo "# make bench, $$(date -u +%Y-%m-%d), $$(nproc) cores, $$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | sed 's/^ //')"; \
		for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b; done; \
	} | tee build/bench.txt
	@mv build/bench.txt data/benchmarks.txt && echo "(saved to data/benchmarks.txt)"

RUN_PLANS := $(filter-out data/runs/plans/smoke.json,$(sort $(wildcard data/runs/plans/*.json)))

runs: $(STAMP)
	@for plan in $(RUN_PLANS); do $(BIN)/python -m scalinglaws.runs sweep --plan $$plan $(RUNS_ARGS); done

runs-smoke: $(STAMP)
	$(BIN)/python -m scalinglaws.runs sweep --plan data/runs/plans/smoke.json --results build/runs-smoke $(RUNS_ARGS)

lock:
	rm -rf build/lockvenv && $(PYTHON) -m venv build/lockvenv
	build/lockvenv/bin/python -m pip install --quiet -r <(grep -v '^cffconvert' requirements.in)
	build/lockvenv/bin/python -m pip install --quiet --no-deps $$(grep '^cffconvert' requirements.in)
	{ echo '# Exact pins of every package in the project'"'"'s venv (Python 3.11). Regenerate with `make lock`.'; \
	  build/lockvenv/bin/python -m pip freeze --all | grep -v -E '^(-e|pip==)' | sed -E 's/^(torch==[^+]*)\+cpu/\1/' | sort -f; \
	} > requirements.lock
	$(PYTHON) tools/lockfiles.py write-env
	rm -rf build/lockvenv

# ---- the book ---------------------------------------------------------------------------------
# The notebooks as `make figures` executed them into build/executed/ (never run again), with
# README.md, REPRODUCTION.md and docs/differences.md, rendered by Sphinx + myst-nb into build/book/
# (tools/book.py; docs/book/ holds the configuration). tests/test_book.py reads it in Chromium.
.PHONY: book
book: figures
	@$(BIN)/python tools/book.py

clean:
	rm -rf build
