# Two commands do everything on a fresh machine: `make run` and `make test`.
# They create .venv with Python 3.12 or 3.13 and install the package with its dependencies.

VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# A Python >= 3.12, < 3.14: on PATH, or in pyenv's versions folder (its shims may refuse).
PYTHON ?= $(shell for c in python3.12 python3.13 $$HOME/.pyenv/versions/3.12*/bin/python3.12 \
	$$HOME/.pyenv/versions/3.13*/bin/python3.13 /usr/local/bin/python3.12 python3; do \
	if $$c -c 'import sys; sys.exit(not (3, 12) <= sys.version_info[:2] < (3, 14))' \
	2>/dev/null; then echo $$c; break; fi; done)

.PHONY: run test test-fast lint bench mutants clean

# The main job: the style comparison (3 styles x 30 paired replicates), its figures and report.
run: $(STAMP)
	$(BIN)/sim -m experiment=style_comparison

test: lint
	$(BIN)/pytest -q

# The fast tier a developer runs while working: the linter and every test not marked slow.
# `make test` (what CI runs) still runs everything.
test-fast: lint
	$(BIN)/pytest -q -m "not slow"

# The linter over everything, and the type checker over the package ([tool.mypy] in pyproject).
lint: $(STAMP)
	$(BIN)/ruff check sim tests benchmarks hydra_plugins
	$(BIN)/mypy

# The validation suite's mutants (tests/mutants.py): each mechanism switched off in turn must
# fail a test that claims it; exits non-zero when one survives. Not part of `make test`.
mutants: $(STAMP)
	$(BIN)/python -m tests.mutants

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_model.py
	$(BIN)/python benchmarks/bench_sweep.py

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "error: Python 3.12 or 3.13 not found (install python3.12)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,explore]'
	touch $(STAMP)

clean:
	rm -rf $(VENV) outputs multirun .pytest_cache .ruff_cache
