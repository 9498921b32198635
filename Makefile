# scaling-laws companion: the Makefile verbs are the user interface (see README.md).
#
#   make figures   run every notebook headlessly (papermill, in parallel) and update figures/
#   make test      ruff + pytest
#   make lab       JupyterLab on notebooks/ with the project's kernel
#   make bench     print the benchmarks' numbers
#   make runs      the measured-here training study (hours; resumable), results in data/runs/
#   make runs-smoke  2-3 tiny runs of the study (under 2 minutes), results in build/runs-smoke/
#   make report    regenerate REPRODUCTION.md from the registry of reproduced numbers
#   make lock      regenerate requirements.lock, requirements-runs.lock and environment.yml
#   make book      the executed notebooks, README and REPRODUCTION.md as a static site in build/book/
#
# Each verb first creates .venv from the exact pins in requirements.lock when it is missing or older
# than the lock or pyproject.toml; test, bench and the runs verbs add torch from requirements-runs.lock.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.SECONDEXPANSION:

# Any of Python 3.11, 3.12 and 3.13 (PYTHON=python3.13 make figures). By default the first found of
# python3.11, python3.13, python3.12: 3.11 first, since the committed figures were made with it and the
# CPU build of torch for the training study lies on this project's machines for 3.11; the figures agree
# within the image tolerance under every version (tests/test_python_versions.py).
PYTHON ?= $(or $(shell for p in python3.11 python3.13 python3.12 python3; do \
	$$p -c 'import sys; assert (3, 11) <= sys.version_info[:2] <= (3, 13)' >/dev/null 2>&1 && { echo $$p; break; }; \
	done),python3)
PYVER := $(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-py$(PYVER)
RUNS_STAMP := $(VENV)/.installed-runs
PYC_STAMP := $(VENV)/.compiled
NPROC := $(shell nproc 2>/dev/null || echo 2)
# Linux readers: TORCH_INDEX=https://download.pytorch.org/whl/cpu takes torch's small CPU build
# instead of the CUDA one the package index serves (several GB).
TORCH_INDEX ?=
# pip's warnings about unreadable local index folders on some machines, which say nothing
PIP_NOISE := is ignored: it is neither a file nor a directory
PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check

NOTEBOOKS := $(sort $(wildcard notebooks/*.ipynb))
STEMS := $(notdir $(basename $(NOTEBOOKS)))
DONE := $(STEMS:%=build/stamps/%.done)
# A notebook reruns when it, the package, its make parameters or the project's own data change
# (data/derived/ excepted: the tables the notebooks write there, moved in like the figures).
# ipykernel's shut-down chatter, which says nothing about the notebook
KERNEL_NOISE := KeyboardInterrupt caught in kernel
SRC := pyproject.toml $(shell find src -name '*.py' 2>/dev/null)
OWN_DATA := $(shell find data -path data/derived -prune -o -type f -print 2>/dev/null)

.PHONY: help venv venv-runs figures test lab bench lock clean runs runs-smoke report

help:
	@sed -n '3,11p' Makefile | sed 's/^# \{0,1\}//'

venv: $(STAMP) $(PYC_STAMP)
venv-runs: $(RUNS_STAMP)

# The lock through uv (its pin is in the lock; seconds), or through pip where uv cannot be had.
$(STAMP): requirements.lock pyproject.toml
	@[ -n "$(PYVER)" ] && [[ "$(PYVER)" =~ ^3\.1[123]$$ ]] \
		|| { echo "PYTHON=$(PYTHON) is not Python 3.11, 3.12 or 3.13: set PYTHON=python3.1x"; exit 1; }
	@if [ -x $(BIN)/python ] && [ "$$($(BIN)/python -c 'import sys; print("%d.%d" % sys.version_info[:2])')" != "$(PYVER)" ]; then \
		echo "$(VENV) is another Python version: rebuilding it with $(PYTHON)"; rm -rf $(VENV); fi
	@echo "Setting up $(VENV) (Python $(PYVER), pins from requirements.lock)"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@rm -f $(VENV)/.installed-*
	@{ $(PIP) $$(grep -m1 '^uv==' requirements.lock) 2>&1 | { grep -v "$(PIP_NOISE)" || true; }; } \
		&& $(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -r requirements.lock \
		|| { echo "(uv unavailable: installing with pip)"; \
		     $(PIP) --no-deps -r requirements.lock 2>&1 | { grep -v "$(PIP_NOISE)" || true; }; }
	$(PIP) --no-deps --no-build-isolation -e . 2>&1 | { grep -v "$(PIP_NOISE)" || true; }
	@touch $@

# Python compiles every module it imports. Where it may not write the bytecode back (PYTHONDONTWRITEBYTECODE,
# a read-only folder; uv writes none when installing) it compiles them again in every process: about 2 s
# of each notebook's kernel, test worker and CLI call. The venv's modules are compiled once here (a module
# that does not compile, such as a package's Python 2 test file, is left to be compiled on import as before).
$(PYC_STAMP): $(STAMP)
	@echo "Compiling $(VENV)'s modules to bytecode (once, about 15 s)"
	@$(BIN)/python -m compileall -qq -j 0 $(VENV)/lib >/dev/null 2>&1 || true
	@touch $@

# torch through pip: pip finds a local CPU wheel where a machine provides one (uv does not look there)
$(RUNS_STAMP): requirements-runs.lock $(STAMP)
	@echo "Adding the training study's torch to $(VENV) (pins from requirements-runs.lock)"
	$(PIP) --no-deps $(if $(TORCH_INDEX),--index-url $(TORCH_INDEX)) $$(grep -m1 '^torch==' requirements-runs.lock) \
		2>&1 | { grep -v "$(PIP_NOISE)" || true; }
	$(PIP) --no-deps -r <(grep -v '^torch==' requirements-runs.lock) 2>&1 | { grep -v "$(PIP_NOISE)" || true; }
	@touch $@

# The notebooks that are out of date (make -n lists their stamps' recipes) run from one Python process,
# NPROC at a time, the longest first (scalinglaws.notebooks.run_one: each into build/executed/, its
# figures and tables into build/staging/<stem>/, kept for the tests; only when it succeeds are they
# copied into figures/ and data/derived/, each by a rename, and its stamp touched). A failing
# notebook keeps its executed copy with papermill's error banner, makes `make figures` fail and
# changes no figure. Kernels talk over unix sockets in a private folder: no TCP port to collide on.
figures: $(STAMP) $(PYC_STAMP)
	@$(BIN)/python -m compileall -q src
	@stale=$$($(MAKE) -n --no-print-directory $(DONE) | sed -n 's/.*scalinglaws\.notebooks run \([^ ]*\) .*/\1/p'); \
	if [ -n "$$stale" ]; then $(BIN)/python -m scalinglaws.notebooks run --jobs $(NPROC) $$stale 2>&1 \
		| { grep -v -E "$(KERNEL_NOISE)" || true; }; else echo "figures: up to date"; fi

# One notebook alone (the recipe make -n lists above)
build/stamps/%.done: notebooks/%.ipynb $(SRC) $(OWN_DATA) $(STAMP) $$(wildcard notebooks/params/$$*.yaml)
	@$(BIN)/python -m scalinglaws.notebooks run $* 2>&1 | { grep -v -E "$(KERNEL_NOISE)" || true; }

# Every notebook runs once (make figures); the tests compare what it wrote in build/staging/ with the
# committed figures and tables, and the book reads build/executed/. The dispatch check then computes
# every derived number under each SIMD setting of this CPU (scalinglaws.report.dispatch).
test: $(RUNS_STAMP)
	$(BIN)/ruff check src tests tools benchmarks notebooks
	$(BIN)/ruff format --check src tests tools benchmarks
	@$(MAKE) --no-print-directory figures
	$(BIN)/python -m pytest -n $(NPROC) --dist loadgroup -q --durations=12
	$(BIN)/python -m scalinglaws.report.dispatch

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/ $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

report: $(RUNS_STAMP)
	$(BIN)/python -m scalinglaws.report

# The numbers are also kept in data/benchmarks.txt (with the machine they ran on) for REPRODUCTION.md.
bench: $(RUNS_STAMP) $(PYC_STAMP)
	@mkdir -p build && { \
		echo "# make bench, $$(date -u +%Y-%m-%d), $$(nproc) cores, $$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | sed 's/^ //')"; \
		for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b; done; \
	} | tee build/bench.txt
	@mv build/bench.txt data/benchmarks.txt && echo "(saved to data/benchmarks.txt)"

RUN_PLANS := $(filter-out data/runs/plans/smoke.json,$(sort $(wildcard data/runs/plans/*.json)))

runs: $(RUNS_STAMP)
	@for plan in $(RUN_PLANS); do $(BIN)/python -m scalinglaws.training sweep --plan $$plan $(RUNS_ARGS); done

runs-smoke: $(RUNS_STAMP)
	$(BIN)/python -m scalinglaws.training sweep --plan data/runs/plans/smoke.json --results build/runs-smoke $(RUNS_ARGS)

# One lock for Python 3.11-3.13: resolved with $(PYTHON), then checked by tests/test_python_versions.py,
# which installs it under the other versions. torch and what it alone pulls in go to requirements-runs.lock.
FREEZE = build/lockvenv/bin/python -m pip freeze --all | grep -v -E '^(-e|pip==)' | sed -E 's/^(torch==[^+]*)\+cpu/\1/' | sort -f
lock:
	rm -rf build/lockvenv && $(PYTHON) -m venv build/lockvenv
	build/lockvenv/bin/python -m pip install --quiet -r <(grep -v '^cffconvert' requirements.in)
	build/lockvenv/bin/python -m pip install --quiet --no-deps $$(grep '^cffconvert' requirements.in)
	{ echo '# Exact pins of every package in the figures-and-tests venv (Python 3.11, 3.12 and 3.13). Regenerate with `make lock`.'; \
	  $(FREEZE); } > requirements.lock
	build/lockvenv/bin/python -m pip install --quiet "$$(sed -n 's/^runs = \["\(.*\)"\]/\1/p' pyproject.toml)"
	{ echo '# Exact pins of what the measured-here training study adds to requirements.lock (the `runs` extra). Regenerate with `make lock`.'; \
	  $(FREEZE) | grep -v -x -F -f <(grep -v '^#' requirements.lock); } > requirements-runs.lock
	$(PYTHON) tools/lockfiles.py write-env
	rm -rf build/lockvenv

# ---- the book ---------------------------------------------------------------------------------
# The notebooks as `make figures` executed them into build/executed/ (never run again), with
# README.md, REPRODUCTION.md and docs/differences.md, rendered by Sphinx + myst-nb into build/book/
# (tools/book.py; docs/book/ holds the configuration). tests/test_book.py reads it in Chromium.
.PHONY: book mutants
book: figures
	@$(BIN)/python tools/book.py

# Mutation testing (not part of make test; about an hour on 2 cores): mutmut mutates the numbers'
# code ([tool.mutmut] in pyproject.toml) and runs the unit tests that reach each mutant; the score
# and every survivor are printed (tools/mutants.py). mutants/ is mutmut's working copy (git-ignored).
mutants: $(STAMP)
	@$(BIN)/python -m pip install --quiet "mutmut==3.8.1"
	@rm -rf mutants && mkdir -p build
	SCALINGLAWS_ROOT=$(CURDIR) SCALINGLAWS_DATA_MIRROR=$${SCALINGLAWS_DATA_MIRROR:-$(abspath ../shared/data)} \
	  $(BIN)/mutmut run > build/mutmut.log 2>&1 || { tail -c 3000 build/mutmut.log; exit 1; }
	@$(BIN)/python tools/mutants.py

clean:
	rm -rf build mutants
