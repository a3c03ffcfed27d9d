# Two commands: `make run` (the whole platform locally) and `make test` (every test).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck bench clean docs frontend events

# msgplat with its dev tools, and the test helpers (testsupport/: never in an image).
$(STAMP): pyproject.toml testsupport/pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]" -e ./testsupport
	touch $(STAMP)

# The Vue dashboard (frontend/), served by the gateway from frontend/dist: `npm ci` when
# the lock file changed, a build when a source did (so `make run` never serves a stale one).
FRONTEND_SOURCES := $(shell find frontend/src -type f 2>/dev/null) \
	frontend/index.html frontend/vite.config.js frontend/package.json

frontend/node_modules/.package-lock.json: frontend/package-lock.json
	@command -v npm >/dev/null || { echo "npm (Node.js 20.19+) is needed to build frontend/" >&2; exit 1; }
	cd frontend && npm ci --no-audit --no-fund

frontend/dist/index.html: frontend/node_modules/.package-lock.json $(FRONTEND_SOURCES)
	cd frontend && npm run build

frontend: frontend/dist/index.html

run: $(STAMP) frontend
	$(BIN)/python -m msgplat.devstack

# The events on the topics, decoded (devstack/events.py), e.g.
# `make events ARGS="--from-beginning --type ReservationRequested"`.
events: $(STAMP)
	$(BIN)/python -m msgplat.devstack.events tail $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy plumbing contracts devstack gateway reservation send billing stat monitoring carrier testsupport

test: $(STAMP) lint typecheck frontend
	cd frontend && npm test
	$(BIN)/pytest $(PYTEST_ARGS)

docs: $(STAMP)
	$(BIN)/python -m msgplat.devstack.eventdocs > docs/events.md.tmp
	mv docs/events.md.tmp docs/events.md
	$(BIN)/python -m msgplat.devstack.asyncapi > docs/asyncapi.yaml.tmp
	mv docs/asyncapi.yaml.tmp docs/asyncapi.yaml
	$(BIN)/python -m msgplat.devstack.settingsdocs --readme README.md

bench: $(STAMP)
	$(BIN)/python bench/reservations.py

clean:
	rm -rf $(VENV) .devstack .pytest_cache .mypy_cache .ruff_cache frontend/dist frontend/node_modules
