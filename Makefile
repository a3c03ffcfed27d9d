# Two commands: `make run` (the whole platform locally) and `make test` (every test).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck bench clean docs

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python -m msgplat.devstack

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy plumbing contracts devstack gateway reservation send billing stat monitoring carrier

test: $(STAMP) lint typecheck
	$(BIN)/pytest $(PYTEST_ARGS)

docs: $(STAMP)
	$(BIN)/python -m msgplat.devstack.eventdocs > docs/events.md.tmp
	mv docs/events.md.tmp docs/events.md
	$(BIN)/python -m msgplat.devstack.settingsdocs --readme README.md

bench: $(STAMP)
	$(BIN)/python bench/reservations.py

clean:
	rm -rf $(VENV) .devstack .pytest_cache .mypy_cache .ruff_cache
