# Two commands: `make run` (the whole platform locally) and `make test` (every test).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck bench clean docs frontend events client

# msgplat with its dev tools, the test helpers (testsupport/: never in an image) and the
# generated client the end-to-end tests and benches use (clients/python/).
$(STAMP): pyproject.toml testsupport/pyproject.toml clients/python/pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]" -e ./testsupport -e ./clients/python
	touch $(STAMP)

# The client's generator in a venv of its own: openapi-python-client pins httpx<0.29,
# the platform runs httpx 0.29 (the code it generates works with both).
TOOLS := .venv-tools
GENERATOR := openapi-python-client==0.29.1

$(TOOLS)/.installed:
	test -d $(TOOLS) || $(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet "$(GENERATOR)"
	touch $(TOOLS)/.installed

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
	$(BIN)/mypy plumbing contracts devstack gateway reservation send billing stat monitoring carrier testsupport \
		clients/python/msgplat_client

test: $(STAMP) lint typecheck frontend
	cd frontend && npm test
	$(BIN)/pytest $(PYTEST_ARGS)

docs: $(STAMP)
	$(BIN)/python -m msgplat.devstack.eventdocs > docs/events.md.tmp
	mv docs/events.md.tmp docs/events.md
	$(BIN)/python -m msgplat.devstack.asyncapi > docs/asyncapi.yaml.tmp
	mv docs/asyncapi.yaml.tmp docs/asyncapi.yaml
	$(BIN)/python -m msgplat.devstack.settingsdocs --readme README.md

# The gateway's OpenAPI document, built from the code without a running platform
# (devstack/openapi.py), and the Python client generated from it, formatted by the
# project's ruff; GENERATED.json records both digests (tests/test_client_fresh.py).
client: $(STAMP) $(TOOLS)/.installed
	$(BIN)/python -m msgplat.devstack.openapi --output clients/openapi.json
	$(TOOLS)/bin/openapi-python-client generate --path clients/openapi.json \
		--config clients/python-client.yaml --custom-template-path clients/python-templates \
		--meta uv --output-path clients/python --overwrite
	$(BIN)/ruff check --fix --quiet clients/python
	$(BIN)/ruff format --quiet clients/python
	$(BIN)/python -m msgplat.devstack.openapi --document clients/openapi.json \
		--record-client clients/python --generator "$(GENERATOR)"

bench: $(STAMP)
	$(BIN)/python bench/reservations.py

clean:
	rm -rf $(VENV) $(TOOLS) .devstack .pytest_cache .mypy_cache .ruff_cache frontend/dist frontend/node_modules
